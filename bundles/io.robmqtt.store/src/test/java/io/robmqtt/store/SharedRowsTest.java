package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.StoreException;
import io.robmqtt.api.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages written in one commit share a row; these tests take single messages out of shared rows (by
 * acknowledgement, eviction and moves) and check that what the store reports survives a restart.
 */
class SharedRowsTest {
    private static final String C = "main";

    @TempDir
    Path dir;

    private SqliteStore store;
    private SqliteOfflineQueue queue;
    private SqliteInflightStore inflight;

    @AfterEach
    void close() {
        store.close();
    }

    private void open(StoreSettings settings) {
        store = new SqliteStore(settings, Clock.systemUTC());
        queue = new SqliteOfflineQueue(store);
        inflight = new SqliteInflightStore(store);
    }

    private void reopen(StoreSettings settings) {
        store.close();
        open(settings);
    }

    private StoreSettings settings() {
        return new StoreSettings(dir.resolve("rows.db"));
    }

    private static OutgoingMessage message(String topic, int priority) {
        return new OutgoingMessage(topic, topic.getBytes(StandardCharsets.UTF_8), 1, false, priority);
    }

    /** Enqueues asynchronously, so that the messages share commits and rows. */
    private List<StoredMessage> enqueueTogether(int count, int priority) {
        List<CompletableFuture<StoredMessage>> stages = IntStream.range(0, count)
                .mapToObj(i -> queue.enqueueAsync(C, message("p" + priority + "-" + i, priority))
                        .thenApply(enqueued -> enqueued.stored()).toCompletableFuture())
                .toList();
        return stages.stream().map(CompletableFuture::join).toList();
    }

    private static List<String> topics(List<StoredMessage> messages) {
        return messages.stream().map(m -> m.message().topic()).toList();
    }

    @Test
    void singleAcknowledgementsFromSharedRowsAreKeptAcrossARestart() {
        open(settings());
        List<StoredMessage> all = enqueueTogether(300, 5);
        List<StoredMessage> moved = queue.moveToInflight(C, 150);
        List<Long> everyOther = new ArrayList<>();
        List<StoredMessage> stillInflight = new ArrayList<>();
        for (int i = 0; i < moved.size(); i++) {
            if (i % 2 == 0) {
                everyOther.add(moved.get(i).sequence());
            } else {
                stillInflight.add(moved.get(i));
            }
        }
        inflight.removeAsync(C, everyOther).toCompletableFuture().join();

        reopen(settings());

        assertThat(inflight.list(C)).isEqualTo(stillInflight);
        assertThat(queue.peek(C, 1000)).isEqualTo(all.subList(150, 300));
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(150);
        assertThat(inflight.count(C)).isEqualTo(75);
    }

    @Test
    void aMessageEvictedFromASharedRowStaysGoneAfterARestart() {
        StoreSettings settings = settings().maxQueueSize(200);
        open(settings);
        List<StoredMessage> low = enqueueTogether(200, 1);

        StoredMessage alarm = queue.enqueue(C, message("alarm", 9)).stored();

        reopen(settings);
        List<StoredMessage> expected = new ArrayList<>(List.of(alarm));
        expected.addAll(low.subList(1, 200)); // the oldest of the lowest priority made room
        assertThat(queue.peek(C, 1000)).isEqualTo(expected);
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(200);
    }

    @Test
    void aMoveOfMessagesWhoseEnqueueIsNotCommittedReturnsOnlyAfterTheirCommit() {
        open(settings());
        // an asynchronous enqueue may wait a few milliseconds for company before its commit
        CompletableFuture<?> enqueued = queue.enqueueAsync(C, message("fresh", 5)).toCompletableFuture();

        assertThat(topics(queue.moveToInflight(C, 10))).containsExactly("fresh");

        assertThat(enqueued).isDone(); // the move made the commit, and returned after it
    }

    @Test
    void largeMessagesWrittenTogetherAreSplitIntoRowsOfAboutOneMebibyte() throws SQLException {
        open(settings());
        List<CompletableFuture<StoredMessage>> stages = IntStream.range(0, 8)
                .mapToObj(i -> queue.enqueueAsync(C, new OutgoingMessage("big/" + i, new byte[400 * 1024], 1, false, 1))
                        .thenApply(enqueued -> enqueued.stored()).toCompletableFuture())
                .toList();
        List<StoredMessage> stored = stages.stream().map(CompletableFuture::join).toList();
        store.close();
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rows.db"));
                Statement statement = file.createStatement();
                var rows = statement.executeQuery("SELECT count(*), max(count) FROM " + Schema.ROWS)) {
            rows.next();
            assertThat(rows.getInt(1)).as("rows").isGreaterThanOrEqualTo(3);
            assertThat(rows.getInt(2)).as("most messages in a row").isLessThanOrEqualTo(3);
        }
        open(settings());
        assertThat(queue.peek(C, 10)).extracting(StoredMessage::sequence)
                .containsExactlyElementsOf(stored.stream().map(StoredMessage::sequence).toList());
    }

    @Test
    void aRowWhoseBodyIsDamagedIsSetAsideAndStopsNothingElse() throws SQLException {
        open(settings());
        queue.enqueue(C, message("damaged", 5));
        List<StoredMessage> kept = enqueueTogether(3, 5);
        queue.enqueue(C, message("other-priority", 2));
        store.close();
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rows.db"));
                Statement statement = file.createStatement()) {
            statement.executeUpdate("UPDATE " + Schema.ROWS + " SET body = x'01FFFF' WHERE id = (SELECT min(id) FROM "
                    + Schema.ROWS + ")");
        }

        open(settings());
        List<String> expected = new ArrayList<>(topics(kept));
        expected.add("other-priority");
        assertThat(topics(queue.peek(C, 10))).isEqualTo(expected);
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(4);
        assertThat(topics(queue.moveToInflight(C, 10))).isEqualTo(expected);
        queue.enqueue(C, message("after", 5));
        store.close();
        try (Connection file = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("rows.db"));
                Statement statement = file.createStatement();
                var aside = statement.executeQuery("SELECT count(*) FROM " + Schema.DAMAGED)) {
            aside.next();
            assertThat(aside.getInt(1)).isEqualTo(1);
        }
        open(settings());
        assertThat(topics(queue.peek(C, 10))).containsExactly("after");
    }
}
