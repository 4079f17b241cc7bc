package io.robmqtt.e2e;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Starting and stopping the test's child JVMs (the gateway, the brokers). */
final class ChildProcesses {
    private ChildProcesses() {}

    /** The java executable of the JVM that runs the test. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** SIGTERM, then SIGKILL if the process has not ended after 15 s; also for a process that is already gone. */
    static void stop(Process process) {
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
}
