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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of every earlier layout are upgraded to the current one when opened, keeping every message, its order
 * and its state; a file of a newer layout is refused and left alone. Layout 1 had one SQL row per message; layout
 * 2 rows of messages; layout 3 adds the index the queue is paged by, and the table of received QoS 2 messages.
 */
class LayoutUpgradeTest {
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

    private StoreSettings settings() {
        return new StoreSettings(dir.resolve("rows.db"));
    }

    private static OutgoingMessage message(String topic, int priority) {
        return new OutgoingMessage(topic, topic.getBytes(StandardCharsets.UTF_8), 1, false, priority);
    }

    private static List<String> topics(List<StoredMessage> messages) {
        return messages.stream().map(m -> m.message().topic()).toList();
    }

    /** The layout the file says it has, and whether it has the queue's index. */
    private static void assertCurrentLayout(Path file) throws SQLException {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = db.createStatement()) {
            try (var version = statement.executeQuery("PRAGMA user_version")) {
                version.next();
                assertThat(version.getInt(1)).isEqualTo(3).isEqualTo(Schema.VERSION);
            }
            List<String> names = new ArrayList<>();
            try (var rs = statement.executeQuery("SELECT name FROM sqlite_master")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            assertThat(names).contains(Schema.ROWS + "_queue", Schema.ROWS + "_expiry", "received_qos2");
            for (String table : List.of(Schema.ROWS, Schema.DAMAGED)) {
                try (var rs = statement.executeQuery("SELECT 1 FROM pragma_table_info('" + table + "') "
                        + "WHERE name = 'expires_at'")) {
                    assertThat(rs.next()).as(table + ".expires_at").isTrue();
                }
            }
        }
    }

    @Test
    void aFileOfTheSecondLayoutGetsTheIndexAndKeepsItsMessages() throws SQLException {
        Path file = dir.resolve("second.db");
        open(new StoreSettings(file));
        for (int i = 0; i < 5; i++) {
            queue.enqueue(C, message("q" + i, i == 2 ? 9 : 1));
        }
        List<StoredMessage> sent = queue.moveToInflight(C, 1);
        store.close();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = db.createStatement()) { // back to what layout 2 wrote
            statement.executeUpdate("DROP INDEX " + Schema.ROWS + "_queue");
            statement.executeUpdate("DROP INDEX " + Schema.ROWS + "_expiry");
            statement.executeUpdate("ALTER TABLE " + Schema.ROWS + " DROP COLUMN expires_at");
            statement.executeUpdate("ALTER TABLE " + Schema.DAMAGED + " DROP COLUMN expires_at");
            statement.executeUpdate("DROP TABLE received_qos2");
            statement.executeUpdate("DELETE FROM meta WHERE key = 'clock_correction'");
            statement.executeUpdate("PRAGMA user_version = 2");
        }

        open(new StoreSettings(file));

        assertThat(topics(sent)).containsExactly("q2");
        assertThat(topics(inflight.list(C))).containsExactly("q2");
        assertThat(topics(queue.peek(C, 10))).containsExactly("q0", "q1", "q3", "q4");
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(4);
        assertCurrentLayout(file);
        queue.enqueue(C, new OutgoingMessage("expiring", new byte[0], 1, false, 1, java.time.Duration.ofHours(1)));
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = db.createStatement();
                var rs = statement.executeQuery("SELECT count(*) FROM " + Schema.ROWS
                        + " WHERE expires_at IS NOT NULL")) {
            rs.next();
            assertThat(rs.getInt(1)).as("rows with an expiry of their own").isEqualTo(1);
        }
    }

    @Test
    void aFileOfANewerLayoutIsRefusedByNameAndLeftAsItIs() throws SQLException {
        Path file = dir.resolve("newer.db");
        try (Connection newer = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = newer.createStatement()) {
            statement.executeUpdate("PRAGMA user_version = " + (Schema.VERSION + 1));
        }

        assertThatThrownBy(() -> new SqliteStore(new StoreSettings(file), Clock.systemUTC()))
                .isInstanceOf(StoreException.class).hasMessageContaining("newer robmqtt")
                .hasMessageContaining("newer.db");

        try (Connection newer = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = newer.createStatement();
                var version = statement.executeQuery("PRAGMA user_version")) {
            version.next();
            assertThat(version.getInt(1)).isEqualTo(Schema.VERSION + 1);
        }
        open(settings()); // for close()
    }

    @Test
    void aFileOfTheFirstLayoutIsConvertedKeepingOrderSequencesAndInflightMessages() throws SQLException {
        Path file = dir.resolve("old.db");
        try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = old.createStatement()) {
            String columns = "(seq INTEGER PRIMARY KEY, connection TEXT NOT NULL, priority INTEGER NOT NULL, "
                    + "topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL, retain INTEGER NOT NULL, "
                    + "size INTEGER NOT NULL, stored_at INTEGER NOT NULL)";
            statement.executeUpdate("CREATE TABLE queue" + columns);
            statement.executeUpdate("CREATE TABLE inflight" + columns);
            statement.executeUpdate("CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
            statement.executeUpdate("INSERT INTO meta VALUES ('last_sequence', 20)");
            insertOld(old, "queue", 3, C, 1, "q3-low");
            insertOld(old, "queue", 5, C, 7, "q5-high");
            insertOld(old, "queue", 4, C, 1, "q4-low");
            insertOld(old, "queue", 6, "other", 1, "q6-other");
            insertOld(old, "inflight", 2, C, 4, "i2");
        }

        open(new StoreSettings(file));

        assertThat(topics(queue.peek(C, 10))).containsExactly("q5-high", "q3-low", "q4-low");
        assertThat(queue.peek(C, 10)).extracting(StoredMessage::sequence).containsExactly(5L, 3L, 4L);
        assertThat(topics(queue.peek("other", 10))).containsExactly("q6-other");
        assertThat(topics(inflight.list(C))).containsExactly("i2");
        assertThat(queue.enqueue(C, message("new", 1)).stored().sequence()).isGreaterThan(20);
        assertCurrentLayout(file);
    }

    private static void insertOld(Connection old, String table, long seq, String connection, int priority,
            String topic) throws SQLException {
        try (PreparedStatement insert = old.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?, ?, 1, 0, ?, 0)")) {
            insert.setLong(1, seq);
            insert.setString(2, connection);
            insert.setInt(3, priority);
            insert.setString(4, topic);
            insert.setBytes(5, topic.getBytes(StandardCharsets.UTF_8));
            insert.setInt(6, topic.length() * 2);
            insert.executeUpdate();
        }
    }
}
