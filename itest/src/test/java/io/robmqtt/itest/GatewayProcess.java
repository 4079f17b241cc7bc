package io.robmqtt.itest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** An exported gateway jar started as a user does: {@code java -jar} in a directory of its own. */
final class GatewayProcess {
    private GatewayProcess() {
    }

    /** The jar named by the system property; the test is skipped, saying why, where it was not built. */
    static Path jar(String property) {
        Path jar = Path.of(System.getProperty(property, "missing"));
        assumeTrue(Files.isRegularFile(jar), "the bndrun module builds " + jar + " before this one (" + property + ")");
        return jar;
    }

    /** Starts {@code jar} in {@code dir} (which holds its conf/), its console output to {@code log}. */
    static Process start(Path jar, Path dir, String log, int httpPort, String... systemProperties)
            throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dorg.osgi.service.http.port=" + httpPort);
        for (String property : systemProperties) {
            command.add("-D" + property);
        }
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile()).start();
    }

    static boolean contains(Path log, String text) {
        return read(log).contains(text);
    }

    /** The log so far; empty until the process has written it. */
    static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
