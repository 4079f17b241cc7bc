package io.robmqtt.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The tests' child processes: exported jars started as a user does, brokers; their console logs. */
public final class ChildProcesses {
    private ChildProcesses() {}

    /** The java executable of the JVM that runs the test. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The jar named by the system property; the test is skipped, saying why, where it was not built. */
    public static Path jar(String property, String whereItIsBuilt) {
        Path jar = Path.of(System.getProperty(property, "missing"));
        assumeTrue(Files.isRegularFile(jar), jar + " (" + property + ") is missing: " + whereItIsBuilt);
        return jar.toAbsolutePath();
    }

    /**
     * Starts {@code java -jar jar} in {@code dir} (which holds its conf/) with the HTTP port and these system
     * properties ({@code name=value}); console output to {@code dir/log}, standard input a pipe (the Gogo shell).
     */
    public static Process startJar(Path jar, Path dir, String log, int httpPort, String... systemProperties)
            throws IOException {
        return startJar(jar, dir, log, httpPort, List.of(), systemProperties);
    }

    /** As {@link #startJar(Path, Path, String, int, String...)}, with these JVM options too ({@code -Xmx64m}, ...). */
    public static Process startJar(Path jar, Path dir, String log, int httpPort, List<String> jvmOptions,
            String... systemProperties) throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-Dorg.osgi.service.http.port=" + httpPort));
        command.addAll(jvmOptions);
        for (String property : systemProperties) {
            command.add("-D" + property);
        }
        command.addAll(List.of("-jar", jar.toString()));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile()).start();
    }

    /** SIGTERM, then SIGKILL if the process has not ended after 15 s; also for a process that is already gone. */
    public static void stop(Process process) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** A log so far; empty until the process has written it. */
    public static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    public static boolean contains(Path log, String text) {
        return read(log).contains(text);
    }
}
