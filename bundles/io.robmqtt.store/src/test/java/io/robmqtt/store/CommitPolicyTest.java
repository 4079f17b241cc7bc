package io.robmqtt.store;

import static io.robmqtt.store.CommitPolicy.DURABLE_COMMIT_NANOS;
import static io.robmqtt.store.CommitPolicy.DURABLE_COMMIT_UNITS;
import static io.robmqtt.store.CommitPolicy.MAX_RELAXED_UNITS;
import static io.robmqtt.store.CommitPolicy.RELAXED_COMMIT_NANOS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The group-commit rules, on a clock the test moves. */
class CommitPolicyTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long now = 1_000 * MS; // any origin: the policy only compares times
    private final CommitPolicy policy = new CommitPolicy(() -> now);

    private long at(long millis) {
        return 1_000 * MS + millis * MS;
    }

    private void clockAt(long millis) {
        now = at(millis);
    }

    @Test
    void workNobodyWaitsForIsGatheredFourMillisecondsFromItsSubmission() {
        clockAt(1);
        assertThat(policy.gatheringFor(at(0), 1, false)).isEqualTo(DURABLE_COMMIT_NANOS - MS);
        clockAt(4);
        assertThat(policy.gatheringFor(at(0), 1, false)).isLessThanOrEqualTo(0);
    }

    @Test
    void urgentWorkAndEnoughWorkAreNotGathered() {
        assertThat(policy.gatheringFor(at(0), 1, true)).isZero();
        assertThat(policy.gatheringFor(at(0), DURABLE_COMMIT_UNITS, false)).isZero();
        assertThat(policy.gatheringFor(at(0), DURABLE_COMMIT_UNITS - 1, false)).isPositive();
    }

    @Test
    void gatheringEndsWhenTheOpenTransactionIsDue() {
        assertThat(policy.batchRan(at(0), 1, 0, false, false)).isFalse(); // relaxed: due at 20 ms
        clockAt(18);
        assertThat(policy.gatheringFor(at(18), 1, false)).isEqualTo(2 * MS);
    }

    @Test
    void theFirstQueuedWorkAndTheWorkThatMakesEnoughWakeTheDatabaseThread() {
        assertThat(CommitPolicy.wakesDatabase(0)).isTrue();
        assertThat(CommitPolicy.wakesDatabase(1)).isFalse();
        assertThat(CommitPolicy.wakesDatabase(DURABLE_COMMIT_UNITS - 2)).isFalse();
        assertThat(CommitPolicy.wakesDatabase(DURABLE_COMMIT_UNITS - 1)).isTrue();
    }

    @Test
    void aBatchSomebodyWaitsForIsCommittedAtOnce() {
        assertThat(policy.batchRan(at(0), 1, 1, true, true)).isTrue();
    }

    @Test
    void durableWorkIsCommittedWithinFourMillisecondsOfItsBatch() {
        clockAt(2);
        assertThat(policy.batchRan(at(0), 1, 1, false, false)).isFalse();
        assertThat(policy.dueIn()).isEqualTo(DURABLE_COMMIT_NANOS);
        clockAt(6);
        assertThat(policy.dueIn()).isLessThanOrEqualTo(0);
    }

    @Test
    void relaxedWorkIsCommittedWithinTwentyMillisecondsOfItsSubmission() {
        clockAt(3); // it waited 3 ms in the queue
        assertThat(policy.batchRan(at(0), 1, 0, false, false)).isFalse();
        assertThat(policy.dueIn()).isEqualTo(RELAXED_COMMIT_NANOS - 3 * MS);
        clockAt(20);
        assertThat(policy.batchRan(at(20), 1, 0, false, false)).as("a batch that runs once the deadline passed")
                .isTrue();
    }

    @Test
    void durableWorkBringsAnExistingDeadlineForwardButNeverPushesItBack() {
        assertThat(policy.batchRan(at(0), 1, 0, false, false)).isFalse(); // due at 20 ms
        clockAt(1);
        assertThat(policy.batchRan(at(1), 1, 1, false, false)).isFalse();
        assertThat(policy.dueIn()).as("brought forward to 5 ms").isEqualTo(DURABLE_COMMIT_NANOS);
        clockAt(3);
        assertThat(policy.batchRan(at(3), 1, 1, false, false)).isFalse();
        assertThat(policy.dueIn()).as("still 5 ms, not 7").isEqualTo(2 * MS);
    }

    @Test
    void enoughDurableUnitsAreCommittedAtOnce() {
        assertThat(policy.batchRan(at(0), DURABLE_COMMIT_UNITS - 1, DURABLE_COMMIT_UNITS - 1, false, false))
                .isFalse();
        assertThat(policy.batchRan(at(0), 1, 1, false, false)).isTrue();
    }

    @Test
    void enoughRelaxedUnitsAreCommittedAtOnceEvenByACaller() {
        assertThat(policy.batchRan(at(0), MAX_RELAXED_UNITS - 1, 0, false, true)).isFalse();
        assertThat(policy.batchRan(at(0), 1, 0, false, true)).isTrue();
    }

    @Test
    void aCallerLeavesACommitThatIsMerelyDueToTheDatabaseThread() {
        assertThat(policy.batchRan(at(0), 1, 0, false, true)).isFalse();
        clockAt(25); // due at 20 ms, 5 ms overdue
        assertThat(policy.batchRan(at(25), 1, 0, false, true)).as("a caller goes on").isFalse();
        assertThat(policy.batchRan(at(25), 1, 0, false, false)).as("the database thread commits").isTrue();
    }

    @Test
    void aCallerCommitsOnceTheCommitIsAFurtherTwentyMillisecondsOverdue() {
        assertThat(policy.batchRan(at(0), 1, 0, false, true)).isFalse();
        clockAt(39);
        assertThat(policy.batchRan(at(39), 1, 0, false, true)).isFalse();
        clockAt(40);
        assertThat(policy.batchRan(at(40), 1, 0, false, true)).isTrue();
    }

    @Test
    void aCommitStartsAfresh() {
        assertThat(policy.batchRan(at(0), DURABLE_COMMIT_UNITS - 1, DURABLE_COMMIT_UNITS - 1, false, false))
                .isFalse();
        policy.reset();
        clockAt(30);
        assertThat(policy.batchRan(at(30), 1, 1, false, false)).as("counts and deadline were reset").isFalse();
        assertThat(policy.dueIn()).isEqualTo(DURABLE_COMMIT_NANOS);
    }
}
