package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteInflightStoreTest {
    private static final String C = "main";

    @TempDir
    Path dir;

    private SqliteStore store;
    private SqliteInflightStore inflight;

    @BeforeEach
    void open() {
        store = new SqliteStore(new StoreSettings(dir.resolve("inflight.db")).maxPayloadBytes(8), Clock.systemUTC());
        inflight = new SqliteInflightStore(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static OutgoingMessage message(String topic) {
        return new OutgoingMessage(topic, new byte[] {1, 2}, 1, false, 3);
    }

    @Test
    void recordsUntilAcknowledgedAndSurvivesARestart() {
        StoredMessage a = inflight.add(C, message("a"));
        StoredMessage b = inflight.add(C, message("b"));
        inflight.add("other", message("elsewhere"));
        inflight.remove(C, a.sequence());

        store.close();
        open();

        assertThat(inflight.list(C)).containsExactly(b);
        assertThat(inflight.count(C)).isEqualTo(1);
        assertThat(inflight.count("other")).isEqualTo(1);
    }

    @Test
    void messagesFromTheQueueKeepTheirSequenceAndAreListedInSequenceOrder() {
        SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
        StoredMessage queuedLater = queue.enqueue(C, message("later")).stored();
        StoredMessage direct = inflight.add(C, message("direct"));
        StoredMessage queuedEarlier = new StoredMessage(queuedLater.sequence() - 1000, message("earlier"), 0);

        inflight.addAll(C, List.of(queuedLater, queuedEarlier));

        assertThat(inflight.list(C)).extracting(StoredMessage::sequence)
                .containsExactly(queuedEarlier.sequence(), queuedLater.sequence(), direct.sequence());
        assertThat(direct.sequence()).isGreaterThan(queuedLater.sequence());
    }

    @Test
    void refusesAnOversizedPayload() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> inflight.add(C, new OutgoingMessage("t", new byte[9], 1, false, 1)))
                .withMessageContaining("max.payload.bytes");
        assertThat(inflight.count(C)).isZero();
    }

    @Test
    void asyncRemovalsAreDurableWhenTheirStageCompletes() {
        StoredMessage a = inflight.add(C, message("a"));
        StoredMessage b = inflight.add(C, message("b"));
        StoredMessage c = inflight.add(C, message("c"));
        inflight.removeAsync(C, List.of(a.sequence())).toCompletableFuture().join();
        inflight.removeAsync(C, List.of(c.sequence(), 999L)).toCompletableFuture().join();
        store.close();
        open();
        assertThat(inflight.list(C)).containsExactly(b);
    }

    @Test
    void removingAnUnknownSequenceIsHarmless() {
        inflight.remove(C, 12345);
        assertThat(inflight.list(C)).isEmpty();
    }
}
