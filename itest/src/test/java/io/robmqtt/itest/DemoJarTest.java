package io.robmqtt.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import io.robmqtt.testing.TempDirs;
import io.robmqtt.testing.TestBroker;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * ./gateway demo's jar, as the README tells a newcomer to use it: the sample telemetry flows through the demo's
 * own broker, an outage caused from the shell queues it, the broker's return drains it with nothing lost, and
 * SIGTERM (what Ctrl-C does) stops the framework cleanly: the database is closed and the broker is gone.
 */
class DemoJarTest {
    private static final Pattern RECEIVED = Pattern.compile("received demo/telemetry \\{\"seq\":(\\d+)");
    private static final Pattern BROKER = Pattern.compile("robmqtt demo: broker on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void theDemoShowsTelemetryThroughAnOutageFromTheShellAndStopsCleanly() throws Exception {
        Path jar = ChildProcesses.jar("robmqtt.demo.jar", "the bndrun module builds it before this one");
        Path dir = Files.createTempDirectory("robmqtt-demo");
        Path log = dir.resolve("demo.log");
        try {
            Path conf = Files.createDirectories(dir.resolve("conf"));
            Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = data/robmqtt.db\n");
            Files.writeString(conf.resolve("io.robmqtt.demo.cfg"), "broker.port = 0\n");
            Files.writeString(conf.resolve("io.robmqtt.sample.telemetry.cfg"), "interval.seconds = 1\n");
            runDemo(jar, dir, log);
            String output = Files.readString(log);
            assertThat(output).contains("event=shutdown_complete", "event=store_closed file=data/robmqtt.db",
                    "event=demo_broker_stopped", "reason=\"the demo stops\"");
            Matcher broker = BROKER.matcher(output);
            assertThat(broker.find()).as("the demo printed its broker's port").isTrue();
            int port = Integer.parseInt(broker.group(1));
            Await.until("the demo broker on port " + port + " is gone", Duration.ofSeconds(20), () -> !TestBroker.accepting(port));
        } finally {
            TempDirs.delete(dir);
        }
    }

    /** Starts the demo, causes an outage from its shell and ends it, then stops the demo with SIGTERM. */
    private static void runDemo(Path jar, Path dir, Path log) throws Exception {
        Process demo = ChildProcesses.startJar(jar, dir, "demo.log", TestBroker.freePort(),
                "felix.fileinstall.dir=conf");
        try (PrintWriter shell = new PrintWriter(demo.getOutputStream(), true, StandardCharsets.UTF_8)) {
            Await.until("the sample's telemetry came back through the demo broker", Duration.ofSeconds(60),
                    () -> received(log).size() >= 2);
            assertThat(Files.readString(log)).contains("/health", "/metrics", "/system/console");

            shell.println("demo:broker stop");
            Await.until("the connection noticed the outage", Duration.ofSeconds(30),
                    () -> ChildProcesses.contains(log, "event=connection_lost connection=demo"));
            long[] asked = {0};
            Await.until("readings wait in the durable queue", Duration.ofSeconds(30), () -> {
                if (System.nanoTime() - asked[0] > 1_000_000_000L) { // ask the shell once a second
                    shell.println("robmqtt:status");
                    asked[0] = System.nanoTime();
                }
                return Pattern.compile("queued [1-9]\\d* \\(").matcher(ChildProcesses.read(log)).find();
            });
            long drainsBefore = drains(log);
            shell.println("demo:broker start");
            Await.until("the queue drained after the broker came back", Duration.ofSeconds(60),
                    () -> drains(log) > drainsBefore);
            long last = received(log).stream().mapToLong(Long::longValue).max().orElseThrow();
            Await.until("every reading up to " + last + " arrived", Duration.ofSeconds(30),
                    () -> received(log).containsAll(LongStream.rangeClosed(1, last).boxed().toList()));
        } finally {
            ChildProcesses.stop(demo); // SIGTERM first, as Ctrl-C's SIGINT: the JVM's shutdown hooks run
        }
    }

    private static long drains(Path log) {
        return Pattern.compile("event=queue_drained connection=demo").matcher(ChildProcesses.read(log)).results()
                .count();
    }

    private static Set<Long> received(Path log) {
        Matcher m = RECEIVED.matcher(ChildProcesses.read(log));
        return m.results().map(r -> Long.parseLong(r.group(1))).collect(Collectors.toCollection(TreeSet::new));
    }

}
