package io.robmqtt.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import io.robmqtt.testing.TempDirs;
import io.robmqtt.testing.TestBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ./gateway demo's jar, as the README tells a newcomer to use it: the sample telemetry flows through the demo's
 * own broker, an outage caused from the shell queues it, the broker's return drains it with nothing lost, and
 * SIGTERM (what Ctrl-C does) stops the framework cleanly: the database is closed and the broker is gone. The
 * console shows robmqtt's events and the banner after start-up, not the framework's bundle and service events.
 */
class DemoJarTest {
    private static final Pattern RECEIVED = Pattern.compile("received demo/telemetry \\{\"seq\":(\\d+)");
    private static final Pattern BROKER = Pattern.compile("robmqtt demo: broker on 127\\.0\\.0\\.1:(\\d+)");
    /** What ./gateway demo copies from the repository's conf/ into the demo's: all but the connections. */
    private static final Pattern SHIPPED = Pattern.compile("(?!io\\.robmqtt\\.connection-).*\\.cfg|logback\\.xml"
            + "|logging\\.properties");

    @Test
    void theDemoShowsTelemetryThroughAnOutageFromTheShellAndStopsCleanly() throws Exception {
        Path jar = ChildProcesses.jar("robmqtt.demo.jar", "the bndrun module builds it before this one");
        Path dir = demoDirectory("robmqtt-demo");
        Path log = dir.resolve("demo.log");
        try {
            runDemo(jar, dir, log);
            String output = Files.readString(log);
            assertThat(output).contains("event=shutdown_complete", "event=store_closed file=data/robmqtt.db",
                    "event=demo_broker_stopped", "reason=\"the demo stops\"");
            Matcher broker = BROKER.matcher(output);
            assertThat(broker.find()).as("the demo printed its broker's port").isTrue();
            int port = Integer.parseInt(broker.group(1));
            Await.until("the demo broker on port " + port + " is gone", Duration.ofSeconds(20), () -> !TestBroker.accepting(port));
            assertTheConsoleShowsRobmqttsEventsAndTheBannerAfterStartup(output);
            assertThat(Files.readString(dir.resolve("logs/robmqtt.log"))).as("the log file has the framework's events")
                    .contains("ServiceEvent REGISTERED", "BundleEvent STARTED");
        } finally {
            TempDirs.delete(dir);
        }
    }

    /**
     * Ctrl-C in a terminal, or systemd's KillMode=control-group with SIGINT, interrupts the demo and its broker
     * together. Each of 20 stops in a row must end the JVM within 20 s, after the framework stopped cleanly.
     */
    @Test
    void twentyProcessGroupInterruptsInARowEachStopTheDemoCleanly() throws Exception {
        Path jar = ChildProcesses.jar("robmqtt.demo.jar", "the bndrun module builds it before this one");
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/setsid").canExecute(),
                "needs setsid (util-linux) to give the demo a process group of its own");
        List<Long> stops = new java.util.ArrayList<>();
        for (int run = 1; run <= 20; run++) {
            Path dir = demoDirectory("robmqtt-demo-stop");
            Path log = dir.resolve("demo.log");
            try {
                // setsid: the demo leads a process group of its own, which its broker joins, as in a terminal
                Process demo = new ProcessBuilder("/usr/bin/setsid", ChildProcesses.java(),
                        "-Dorg.osgi.service.http.port=" + TestBroker.freePort(), "-Dfelix.fileinstall.dir=conf",
                        "-Dlogback.configurationFile=conf/logback.xml",
                        "-Djava.util.logging.config.file=conf/logging.properties", "-jar", jar.toString())
                        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                try {
                    Await.until("run " + run + ": the demo connected", Duration.ofSeconds(60),
                            () -> ChildProcesses.contains(log, "event=connected connection=demo"));
                    long start = System.nanoTime();
                    Process interrupt = new ProcessBuilder("kill", "-INT", "--", "-" + demo.pid()).start();
                    assertThat(interrupt.waitFor()).as("kill -INT the demo's process group").isZero();
                    boolean ended = demo.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
                    if (!ended) {
                        Process dump = new ProcessBuilder("jstack", Long.toString(demo.pid())).redirectErrorStream(true)
                                .start();
                        String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                        throw new AssertionError("run " + run + ": the demo did not end within 20 s of SIGINT; its "
                                + "threads:\n" + threads + "\nits output:\n" + ChildProcesses.read(log));
                    }
                    stops.add((System.nanoTime() - start) / 1_000_000);
                    assertThat(ChildProcesses.read(log)).as("run " + run + ": the framework stopped cleanly")
                            .contains("event=shutdown_complete");
                } finally {
                    demo.destroyForcibly();
                    new ProcessBuilder("kill", "-KILL", "--", "-" + demo.pid()).start().waitFor();
                }
            } finally {
                TempDirs.delete(dir);
            }
        }
        System.out.println("demo stopped by a process-group SIGINT 20 times; ms from SIGINT to exit: " + stops);
    }

    /**
     * A working directory for one demo run: the shipped configuration, the store under {@code data/}, the demo's
     * broker on a free port, and the sample publishing every second.
     */
    private static Path demoDirectory(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Path conf = copyShippedConfiguration(Files.createDirectories(dir.resolve("conf")));
        Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = data/robmqtt.db\n");
        Files.writeString(conf.resolve("io.robmqtt.demo.cfg"), "broker.port = 0\n");
        Files.writeString(conf.resolve("io.robmqtt.sample.telemetry.cfg"), "interval.seconds = 1\n");
        return dir;
    }

    private static Path copyShippedConfiguration(Path conf) throws IOException {
        try (Stream<Path> shipped = Files.list(Path.of(System.getProperty("robmqtt.repo"), "conf"))) {
            for (Path file : shipped.filter(f -> SHIPPED.matcher(f.getFileName().toString()).matches()).toList()) {
                Files.copy(file, conf.resolve(file.getFileName()));
            }
        }
        return conf;
    }

    /**
     * The framework starts the bundles on its thread FelixStartLevel: what that thread printed before the shutdown
     * is start-up, and the banner comes after all of it. The framework's INFO entries (a BundleEvent or
     * ServiceEvent for every bundle and service) go to the log file only.
     */
    private static void assertTheConsoleShowsRobmqttsEventsAndTheBannerAfterStartup(String output) {
        List<String> lines = output.lines().toList();
        assertThat(lines).as("the console:%n%s", output).noneMatch(line -> line.contains("level=INFO")
                && (line.contains("ServiceEvent") || line.contains("BundleEvent")));
        assertThat(output).as("robmqtt's events on the console").contains("event=logging_configured",
                "event=store_opened", "event=connected connection=demo");
        int shutdown = firstIndex(lines, line -> line.contains("event=shutdown_requested"));
        int lastStartupLine = IntStream.range(0, shutdown)
                .filter(i -> lines.get(i).contains("thread=\"FelixStartLevel\"")).max().orElse(-1);
        assertThat(lines.subList(0, lastStartupLine + 1)).as("start-up lines")
                .anyMatch(line -> line.contains("event=store_opened"));
        assertThat(firstIndex(lines, line -> BROKER.matcher(line).find()))
                .as("the banner's line, after the last start-up line (%d) in the console:%n%s", lastStartupLine, output)
                .isGreaterThan(lastStartupLine);
    }

    private static int firstIndex(List<String> lines, Predicate<String> condition) {
        return IntStream.range(0, lines.size()).filter(i -> condition.test(lines.get(i))).findFirst()
                .orElseThrow(() -> new AssertionError("no such line in the console:\n" + String.join("\n", lines)));
    }

    /** Starts the demo, causes an outage from its shell and ends it, then stops the demo with SIGTERM. */
    private static void runDemo(Path jar, Path dir, Path log) throws Exception {
        Process demo = ChildProcesses.startJar(jar, dir, "demo.log", TestBroker.freePort(),
                "felix.fileinstall.dir=conf", "logback.configurationFile=conf/logback.xml",
                "java.util.logging.config.file=conf/logging.properties"); // as ./gateway demo starts it
        try (PrintWriter shell = new PrintWriter(demo.getOutputStream(), true, StandardCharsets.UTF_8)) {
            Await.until("the sample's telemetry came back through the demo broker", Duration.ofSeconds(60),
                    () -> received(log).size() >= 2);
            Await.until("the banner, printed once start-up is over", Duration.ofSeconds(30),
                    () -> BROKER.matcher(ChildProcesses.read(log)).find());
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
