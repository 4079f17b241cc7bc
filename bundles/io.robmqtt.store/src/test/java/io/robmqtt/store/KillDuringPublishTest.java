package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.store.StoredMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What enqueue accepted survives a SIGKILL of the JVM in the middle of concurrent publishing. */
class KillDuringPublishTest {
    private static final int ACCEPTED_BEFORE_KILL = 2_000;

    private static Set<Long> accepted(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            // a line cut short by the kill has no newline yet and is not a complete acceptance
            return lines.filter(line -> line.matches("ACCEPTED \\d+"))
                    .map(line -> Long.parseLong(line.substring("ACCEPTED ".length())))
                    .collect(Collectors.toSet());
        }
    }

    @TempDir
    Path dir;

    @Test
    void everyAcceptedMessageIsInTheDatabaseAfterKillMinus9() throws Exception {
        Path db = dir.resolve("killed.db");
        Path log = dir.resolve("accepted.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PublishUntilKilled.class.getName(), db.toString())
                .redirectOutput(log.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (accepted(log).size() < ACCEPTED_BEFORE_KILL && child.isAlive() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no checkpoint
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child died").isTrue();
        Set<Long> accepted = accepted(log);
        assertThat(accepted).as("the child accepted messages before it was killed")
                .hasSizeGreaterThanOrEqualTo(ACCEPTED_BEFORE_KILL);

        SqliteStore store = new SqliteStore(new StoreSettings(db), Clock.systemUTC());
        try {
            List<StoredMessage> stored = new SqliteOfflineQueue(store).peek("kill", 1_000_000);
            Set<Long> storedSequences = stored.stream().map(StoredMessage::sequence).collect(Collectors.toSet());
            assertThat(storedSequences).containsAll(accepted);
        } finally {
            store.close();
        }
    }
}
