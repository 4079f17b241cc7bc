package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.OfflineQueue.Moved;
import io.robmqtt.api.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages past their expiry (their own, else the connection's) are removed, at the drain and by the sweep,
 * never when inflight; ages are measured on the store's clock, which the test moves: time passing (system and
 * monotonic clocks together), a jump of the system clock alone, and restarts with the system clock ahead or
 * behind.
 */
class ExpiryTest {
    private static final String C = "main";
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    Path dir;

    private final SqliteOfflineQueueTest.MutableClock system = new SqliteOfflineQueueTest.MutableClock();
    private final AtomicLong monotonic = new AtomicLong(1_000_000_000L);
    private SqliteStore store;
    private SqliteOfflineQueue queue;
    private SqliteInflightStore inflight;

    @BeforeEach
    void open() {
        store = new SqliteStore(new StoreSettings(dir.resolve("expiry.db")), system, monotonic::get);
        queue = new SqliteOfflineQueue(store);
        inflight = new SqliteInflightStore(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void restart() {
        close();
        open();
    }

    /** Time passes: both clocks move. */
    private void advance(Duration duration) {
        system.set(system.instant().plus(duration));
        monotonic.addAndGet(duration.toNanos());
    }

    /** The system clock jumps (NTP, a reset): the monotonic clock does not move. */
    private void jump(Duration duration) {
        system.set(system.instant().plus(duration));
    }

    private void enqueue(String topic, Duration expiry) {
        queue.enqueue(C, new OutgoingMessage(topic, topic.getBytes(StandardCharsets.UTF_8), 1, false, 1, expiry));
    }

    private static List<String> topics(List<StoredMessage> messages) {
        return messages.stream().map(m -> m.message().topic()).toList();
    }

    @Test
    void theDrainRemovesWhatIsPastTheConnectionsExpiryAndTakesTheRest() {
        enqueue("a", Duration.ZERO);
        enqueue("b", Duration.ZERO);
        advance(Duration.ofSeconds(50));
        enqueue("c", Duration.ZERO);
        advance(Duration.ofSeconds(20));

        Moved moved = queue.moveToInflight(C, 10, Duration.ofSeconds(60));

        assertThat(topics(moved.expired())).containsExactly("a", "b");
        assertThat(topics(moved.inflight())).containsExactly("c");
        assertThat(queue.statistics(C).totalMessages()).isZero();
        assertThat(topics(inflight.list(C))).containsExactly("c");
    }

    @Test
    void aMessagesOwnExpiryOverridesTheConnectionsShorterOrLonger() {
        enqueue("short", Duration.ofSeconds(10));
        enqueue("default", Duration.ZERO);
        enqueue("long", Duration.ofSeconds(600));
        advance(Duration.ofSeconds(30));
        assertThat(topics(queue.expire(C, Duration.ofSeconds(60), 100))).containsExactly("short");
        advance(Duration.ofSeconds(60));
        assertThat(topics(queue.expire(C, Duration.ofSeconds(60), 100))).containsExactly("default");
        assertThat(topics(queue.expire(C, Duration.ZERO, 100))).isEmpty();
        assertThat(topics(queue.peek(C, 10))).containsExactly("long");
        advance(Duration.ofSeconds(600));
        assertThat(topics(queue.expire(C, Duration.ZERO, 100))).containsExactly("long");
        assertThat(queue.statistics(C).totalMessages()).isZero();
    }

    @Test
    void aMessageHandedToTheBrokerNeverExpires() {
        enqueue("sent", Duration.ofSeconds(10));
        assertThat(topics(queue.moveToInflight(C, 1, Duration.ZERO).inflight())).containsExactly("sent");
        advance(HOUR);
        assertThat(queue.expire(C, Duration.ofSeconds(1), 100)).isEmpty();
        assertThat(topics(inflight.list(C))).containsExactly("sent");
    }

    @Test
    void theSweepFindsAMessageWithItsOwnExpiryFarBehindTheHeadOfTheQueue() {
        for (int i = 0; i < ConnectionRows.WINDOW * 3; i++) {
            enqueue("m" + i, Duration.ZERO);
        }
        enqueue("command", Duration.ofSeconds(5));
        restart(); // nothing of the queue in memory
        advance(Duration.ofSeconds(6));

        assertThat(topics(queue.expire(C, Duration.ZERO, 100))).containsExactly("command");
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(ConnectionRows.WINDOW * 3);
        restart();
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(ConnectionRows.WINDOW * 3);
    }

    @Test
    void expiryCountsAcrossARestartFromTheAcceptanceTime() {
        enqueue("kept", Duration.ofSeconds(100));
        advance(Duration.ofSeconds(50));
        restart();
        assertThat(queue.expire(C, Duration.ZERO, 100)).isEmpty();
        advance(Duration.ofSeconds(60)); // 110 s since acceptance, 60 s of them in this run
        assertThat(topics(queue.expire(C, Duration.ZERO, 100))).containsExactly("kept");
    }

    @Test
    void aSystemClockJumpingForwardExpiresNothingAndOneJumpingBackKeepsNothingForever() {
        enqueue("a", Duration.ZERO);
        advance(Duration.ofMinutes(10));
        jump(Duration.ofDays(3)); // NTP syncs a clock that booted three days behind
        assertThat(queue.expire(C, HOUR, 100)).as("after a jump forward").isEmpty();
        enqueue("b", Duration.ZERO);
        jump(Duration.ofDays(-5)); // and one that jumps back
        advance(Duration.ofMinutes(55));
        assertThat(topics(queue.expire(C, HOUR, 100))).as("65 minutes of real time for a").containsExactly("a");
        advance(Duration.ofMinutes(10));
        assertThat(topics(queue.expire(C, HOUR, 100))).as("65 minutes of real time for b").containsExactly("b");
    }

    @Test
    void theCorrectionOfAJumpIsKeptAcrossARestart() {
        system.set(Instant.parse("1970-01-01T00:00:00Z")); // booted without a battery clock
        restart();
        enqueue("a", Duration.ZERO);
        jump(Duration.ofDays(20_000)); // NTP
        enqueue("b", Duration.ZERO);
        advance(Duration.ofMinutes(30));
        restart(); // the system clock is right from now on

        assertThat(queue.expire(C, HOUR, 100)).as("30 minutes old, both").isEmpty();
        advance(Duration.ofMinutes(31));
        assertThat(topics(queue.expire(C, HOUR, 100))).containsExactly("a", "b");
    }

    @Test
    void aSystemClockBehindAtStartUpNeitherMakesMessagesYoungerNorKeepsThemForever() {
        enqueue("a", Duration.ZERO);
        advance(Duration.ofMinutes(30));
        close();
        system.set(Instant.parse("1970-01-01T00:00:00Z")); // the gateway boots without a battery clock
        open();

        // the store's clock goes on from the latest stamp in the file: the time after it is not known
        advance(Duration.ofMinutes(59));
        assertThat(queue.expire(C, HOUR, 100)).isEmpty();
        assertThat(queue.statistics(C).oldestMessageAgeSeconds()).hasValue(59 * 60.0);
        advance(Duration.ofMinutes(2));
        assertThat(topics(queue.expire(C, HOUR, 100))).as("an hour of the store's clock").containsExactly("a");
    }

    @Test
    void theTimeTheGatewayWasOffCountsWhenTheSystemClockShowsIt() {
        enqueue("a", Duration.ZERO);
        close();
        system.set(system.instant().plus(Duration.ofHours(2))); // off for two hours, a battery-backed clock
        open();
        assertThat(topics(queue.expire(C, HOUR, 100))).containsExactly("a");
    }
}
