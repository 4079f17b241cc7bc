package io.robmqtt.e2e;

import io.robmqtt.testing.TempDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the test leaves what helps to read a failure: the gateway's console and the browser's screenshots. */
final class Reports {
    private Reports() {}

    /** Removes what an earlier run left, so that a failure's files are this run's. */
    static void clear() {
        TempDirs.delete(Path.of(System.getProperty("robmqtt.e2e.reports", "target/e2e")));
    }

    /** A file in target/e2e (or -Drobmqtt.e2e.reports=DIR); the directory is created. */
    static Path file(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("robmqtt.e2e.reports", "target/e2e")));
        return dir.resolve(name);
    }
}
