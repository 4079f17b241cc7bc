package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.StoreException;
import io.robmqtt.api.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database underneath: files, failures, corruption and live reconfiguration. */
class SqliteStoreTest {
    private static final String C = "main";

    @TempDir
    Path dir;

    private final List<SqliteStore> opened = new ArrayList<>();

    @AfterEach
    void close() {
        opened.forEach(SqliteStore::close);
    }

    private SqliteStore open(StoreSettings settings) {
        SqliteStore store = new SqliteStore(settings, Clock.systemUTC());
        opened.add(store);
        return store;
    }

    private static OutgoingMessage message(String topic, int payloadBytes) {
        return new OutgoingMessage(topic, new byte[payloadBytes], 1, false, 1);
    }

    private static void pragma(SqliteStore store, String pragma) {
        store.call(C, (tx, messages) -> {
            try (Statement s = tx.connection().createStatement()) {
                s.execute(pragma);
            }
            return null;
        });
    }

    @Test
    void createsTheDatabaseReadableByItsOwnerOnly() throws Exception {
        Path db = dir.resolve("sub/dir/robmqtt.db");
        open(new StoreSettings(db));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
    }

    @Test
    void aCorruptFileIsMovedAsideNeverDeletedAndAFreshOneUsed() throws Exception {
        Path db = dir.resolve("robmqtt.db");
        // a SQLite file by its header, the rest of it damaged
        byte[] garbage = ("SQLite format 3\0" + "pages damaged on a flash card".repeat(100))
                .getBytes(StandardCharsets.UTF_8);
        Files.write(db, garbage);

        SqliteStore store = open(new StoreSettings(db));
        SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
        queue.enqueue(C, message("after-recovery", 1));

        assertThat(store.recoveredCorruptFiles()).isEqualTo(1);
        try (Stream<Path> files = Files.list(dir)) {
            Path aside = files.filter(f -> f.getFileName().toString().startsWith("robmqtt.db.corrupt-"))
                    .findFirst().orElseThrow();
            assertThat(Files.readAllBytes(aside)).isEqualTo(garbage);
        }
        assertThat(queue.peek(C, 10)).extracting(m -> m.message().topic()).containsExactly("after-recovery");
    }

    @Test
    void aPathToAFileThatIsNotADatabaseIsAConfigurationErrorAndTheFileIsLeftAlone() throws Exception {
        Path typo = Files.writeString(dir.resolve("logback.xml"), "<configuration/>\n");
        assertThatThrownBy(() -> open(new StoreSettings(typo))).isInstanceOf(StoreException.class)
                .hasMessageContaining("is not a SQLite database");
        assertThat(Files.readString(typo)).isEqualTo("<configuration/>\n");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("logback.xml");
        }
    }

    @Test
    void aDatabaseWhoseFirstPageWasWipedIsDamageAndMovedAside() throws Exception {
        Path db = Files.write(dir.resolve("wiped.db"), new byte[8192]);
        SqliteStore store = open(new StoreSettings(db));
        assertThat(store.recoveredCorruptFiles()).isEqualTo(1);
    }

    @Test
    void anUpdateThatNamesTheSameFileAnotherWayMovesNothing() {
        StoreSettings settings = new StoreSettings(dir.resolve("same.db"));
        SqliteStore store = open(settings);
        SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
        queue.enqueue(C, message("a", 5));
        queue.enqueue(C, message("b", 5));
        store.modified(settings.copy().withPath(dir.resolve("sub").resolve("..").resolve("same.db")), Map.of());
        assertThat(queue.peek(C, 10)).extracting(m -> m.message().topic()).containsExactly("a", "b");
    }

    @Test
    void onlyAPlainFilePathIsADatabasePath() {
        for (String path : new String[] {"", ":memory:", "file:x.db?mode=memory", "x.db?synchronous=OFF"}) {
            assertThatThrownBy(() -> DatabaseFile.path(path)).as(path).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("it must be a plain file path");
        }
        assertThatThrownBy(() -> DatabaseFile.path(dir.toString())).hasMessageContaining("is a directory");
        SqliteStore store = open(new StoreSettings(dir.resolve("kept.db")));
        store.modified(new StoreSettings(dir.resolve("kept.db")).withPath(Path.of(":memory:")), Map.of());
        assertThat(currentFile(store)).as("the refused path changed nothing").isEqualTo(dir.resolve("kept.db"));
    }

    @Test
    void theDatabaseRunsWithTheConfiguredDurability() {
        SqliteStore store = open(new StoreSettings(dir.resolve("durable.db")));
        int synchronous = store.call(C, (tx, messages) -> {
            try (Statement s = tx.connection().createStatement(); var rs = s.executeQuery("PRAGMA synchronous")) {
                rs.next();
                return rs.getInt(1);
            }
        });
        assertThat(synchronous).as("FULL").isEqualTo(2);
    }

    @Test
    void aFullDiskGivesAClearErrorAndKeepsWhatWasStored() {
        SqliteStore store = open(new StoreSettings(dir.resolve("full.db")));
        SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
        queue.enqueue(C, message("kept", 10));
        pragma(store, "PRAGMA max_page_count = " + pageCount(store));

        assertThatThrownBy(() -> {
            for (int i = 0; i < 1000; i++) {
                queue.enqueue(C, message("more-" + i, 4096));
            }
        }).isInstanceOf(StoreException.class).hasMessageContaining("full.db").hasMessageContaining("full");

        assertThat(queue.peek(C, 2000)).extracting(m -> m.message().topic()).contains("kept");
    }

    @Test
    void aReadOnlyDatabaseGivesAClearErrorOnPublish() {
        SqliteStore store = open(new StoreSettings(dir.resolve("ro.db")));
        SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
        queue.enqueue(C, message("kept", 1));
        pragma(store, "PRAGMA query_only = ON");

        assertThatThrownBy(() -> queue.enqueue(C, message("refused", 1))).isInstanceOf(StoreException.class)
                .hasMessageContaining("ro.db").hasMessageContaining("read-only");
        pragma(store, "PRAGMA query_only = OFF");
        assertThat(queue.peek(C, 10)).extracting(m -> m.message().topic()).containsExactly("kept");
    }

    @Test
    void aSmallerQueueSizeAppliesLiveWithoutReopening() {
        StoreSettings settings = new StoreSettings(dir.resolve("live.db"));
        SqliteStore store = open(settings);
        SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
        queue.enqueue(C, message("a", 1));
        queue.enqueue(C, message("b", 1));
        java.sql.Connection before = store.call(C, (tx, messages) -> tx.connection());

        store.modified(settings.copy().maxQueueSize(2), Map.of());

        assertThatThrownBy(() -> queue.enqueue(C, message("c", 1))).isInstanceOf(QueueFullException.class)
                .hasMessageContaining("max.queue.size 2");
        java.sql.Connection after = store.call(C, (tx, messages) -> tx.connection());
        assertThat(after).isSameAs(before);
    }

    @Test
    void anInvalidUpdateIsRefusedAndThePreviousSettingsStay() {
        StoreSettings settings = new StoreSettings(dir.resolve("keep.db")).maxQueueSize(1);
        SqliteStore store = open(settings);
        store.modified(settings.copy().maxQueueSize(0), Map.of());
        assertThat(store.limits().maxQueueSize()).isEqualTo(1);
        assertThatThrownBy(() -> QueueLimits.from(settings.copy().maxQueueSize(0), Map.of()))
                .hasMessageContaining("max.queue.size is 0");
    }

    @Test
    void aNewDbPathMovesQueuedAndInflightMessagesIntoTheNewFileInOrder() {
        StoreSettings settings = new StoreSettings(dir.resolve("old.db"));
        SqliteStore store = open(settings);
        SqliteOfflineQueue queue = new SqliteOfflineQueue(store);
        SqliteInflightStore inflight = new SqliteInflightStore(store);
        queue.enqueue(C, message("q1", 1));
        queue.enqueue(C, message("q2", 1));
        StoredMessage sent = inflight.add(C, message("sent", 1));

        store.modified(settings.copy().withPath(dir.resolve("new.db")), Map.of());

        assertThat(currentFile(store)).isEqualTo(dir.resolve("new.db"));
        assertThat(queue.peek(C, 10)).extracting(m -> m.message().topic()).containsExactly("q1", "q2");
        assertThat(inflight.list(C)).extracting(m -> m.message().topic()).containsExactly("sent");
        assertThat(queue.statistics(C).totalMessages()).isEqualTo(2);
        assertThat(queue.enqueue(C, message("q3", 1)).stored().sequence()).isGreaterThan(sent.sequence());
    }

    private static long pageCount(SqliteStore store) {
        return store.call(C, (tx, messages) -> {
            try (Statement s = tx.connection().createStatement(); var rs = s.executeQuery("PRAGMA page_count")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static Path currentFile(SqliteStore store) {
        return store.call(C, (tx, messages) -> Path.of(tx.connection().getMetaData().getURL().substring("jdbc:sqlite:".length())));
    }
}
