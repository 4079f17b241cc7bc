package io.robmqtt.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import io.robmqtt.testing.Subscriber;
import io.robmqtt.testing.TempDirs;
import io.robmqtt.testing.TestBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The receiving side under the faults the publishing side is tested with: an application publishes numbered QoS 1
 * messages to the broker while the gateway's link is dropped and silenced and the gateway JVM is killed with
 * SIGKILL three times, once during an outage. The listener is the sample bundle's whiteboard listener, installed
 * into each new gateway after its connection is up, as a bundle of its own that starts later would be. Every
 * number the broker acknowledged to the publisher must reach the listener; duplicates are reported.
 */
class ReceiveFaultTest {
    private static final Pattern RECEIVED = Pattern.compile("received demo/rx/(-?\\d+) ");
    private static final Duration STEP = Duration.ofSeconds(60);

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private Path dir;
    private int run;
    /** The gateway running now, stopped whatever happens. */
    private Gateway current;

    @Test
    void everyMessageTheBrokerAcknowledgedReachesTheListenerThroughLinkFaultsAndThreeKillsOfTheGateway()
            throws Exception {
        Path jar = ChildProcesses.jar("robmqtt.gateway.jar", "the bndrun module builds it before this one");
        Path listenerBundle = Bundles.sample();
        dir = Files.createTempDirectory("robmqtt-receive-faults");
        FaultyLink link = broker.link();
        try (Subscriber application = new Subscriber(broker.uri(), "unused/" + UUID.randomUUID())) {
            configure(link);
            Set<Integer> acknowledged = new ConcurrentSkipListSet<>();
            AtomicBoolean publishing = new AtomicBoolean(true);

            Gateway gateway = start(jar, listenerBundle);
            Await.until("the listener is subscribed", STEP, () -> {
                probe(application);
                return received().containsKey(-1);
            });
            CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> publish(application, acknowledged,
                    publishing));
            try {
                awaitMore(300);
                link.dropAll(); // a dropped link: robmqtt reconnects
                awaitMore(300);
                gateway.kill(); // kill 1, while connected and receiving

                gateway = start(jar, listenerBundle);
                awaitMore(300);
                link.refuse(true); // an outage: open connections go silent, new ones are refused
                link.silenceOpenConnections();
                int atOutage = acknowledged.size();
                Await.until("messages published during the outage", STEP, () -> acknowledged.size() >= atOutage + 400);
                gateway.kill(); // kill 2, during the outage
                link.refuse(false);

                gateway = start(jar, listenerBundle);
                awaitMore(300);
                link.dropAll();
                gateway.kill(); // kill 3, as it reconnects

                gateway = start(jar, listenerBundle);
                awaitMore(300);
            } finally {
                publishing.set(false);
            }
            stream.get(30, TimeUnit.SECONDS);
            Await.until("every acknowledged number reached the listener", STEP,
                    () -> received().keySet().containsAll(acknowledged),
                    () -> missing(acknowledged).size() + " missing, e.g. " + missing(acknowledged).stream().limit(10)
                            .toList());
            gateway.stop();

            Map<Integer, Integer> received = received();
            received.remove(-1); // the probe
            long duplicates = received.values().stream().mapToLong(n -> n - 1).sum();
            System.out.printf("receive faults: %d acknowledged to the publisher, %d distinct received, %d duplicates, "
                    + "%d gateway runs%n", acknowledged.size(), received.size(), duplicates, run);
            assertThat(missing(acknowledged)).as("acknowledged by the broker, never received").isEmpty();
        } finally {
            if (current != null) {
                current.stop();
            }
        }
        TempDirs.delete(dir); // kept for inspection when the test failed
    }

    /** A gateway JVM with its Gogo console. */
    private record Gateway(Process process, PrintWriter console) {
        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL: no clean stop, no close of the database
            process.waitFor(20, TimeUnit.SECONDS);
        }

        void stop() {
            console.close();
            ChildProcesses.stop(process);
        }
    }

    private void configure(FaultyLink link) throws IOException {
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = data/robmqtt.db\n");
        Files.writeString(conf.resolve("io.robmqtt.connection-default.cfg"), "client.id = receive-fault-test\n"
                + "broker.uris = " + link.uri() + "\nmin.backoff = 0.1\nmax.backoff = 0.5\nkeepalive = 2\n");
        // the sample's publisher stays quiet: only the listener matters here
        Files.writeString(conf.resolve("io.robmqtt.sample.telemetry.cfg"), "interval.seconds = 86400\n"
                + "topic = unused/telemetry\n");
        // what the listener took, one line each, written before its messageArrived returns
        Files.writeString(conf.resolve("logback.xml"), String.join("\n",
                "<configuration>",
                "  <appender name='console' class='ch.qos.logback.core.ConsoleAppender'>",
                "    <encoder><pattern>%d level=%level logger=%logger{0} %msg%n</pattern></encoder>",
                "  </appender>",
                "  <appender name='received' class='ch.qos.logback.core.FileAppender'>",
                "    <file>" + dir.resolve("received.log") + "</file>",
                "    <encoder><pattern>%msg%n</pattern></encoder>",
                "  </appender>",
                "  <logger name='io.robmqtt.sample.telemetry.TelemetryPrinter' level='INFO' additivity='false'>",
                "    <appender-ref ref='received'/>",
                "  </logger>",
                "  <root level='INFO'><appender-ref ref='console'/></root>",
                "</configuration>", ""));
    }

    /** Starts a gateway, waits for its connection, then installs the listener's bundle through its console. */
    private Gateway start(Path jar, Path listenerBundle) throws IOException {
        String log = "run" + ++run + ".log";
        Process process = ChildProcesses.startJar(jar, dir, log, TestBroker.freePort(),
                "logback.configurationFile=" + dir.resolve("conf/logback.xml"));
        current = new Gateway(process, new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8));
        PrintWriter console = current.console();
        Await.until("gateway run " + run + " connected", STEP,
                () -> ChildProcesses.contains(dir.resolve(log), "event=connected connection=default"));
        console.println("start " + listenerBundle.toUri()); // installs and starts it
        return current;
    }

    private static void probe(Subscriber application) {
        try {
            application.publish("demo/rx/-1", "-1", 1);
        } catch (org.eclipse.paho.client.mqttv3.MqttException e) {
            throw new AssertionError("the probe could not be published", e);
        }
    }

    private static void publish(Subscriber application, Set<Integer> acknowledged, AtomicBoolean publishing) {
        for (int n = 0; publishing.get(); n++) {
            try {
                application.publish("demo/rx/" + n, Integer.toString(n), 1);
                acknowledged.add(n); // the broker acknowledged it (PUBACK)
            } catch (Exception e) {
                // not acknowledged: not counted
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // paces the stream, it synchronises nothing
        }
    }

    private void awaitMore(int count) {
        int target = received().size() + count;
        Await.until("the listener received " + count + " more", STEP, () -> received().size() >= target);
    }

    /** Number to how often the listener took it, over every gateway run. */
    private Map<Integer, Integer> received() {
        Map<Integer, Integer> counts = new HashMap<>();
        Path file = dir.resolve("received.log");
        if (!Files.exists(file)) {
            return counts;
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                Matcher m = RECEIVED.matcher(line);
                if (m.find()) {
                    counts.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            return counts; // being written: read again at the next check
        }
        return counts;
    }

    private Set<Integer> missing(Set<Integer> acknowledged) {
        Set<Integer> missing = new TreeSet<>(acknowledged);
        missing.removeAll(received().keySet());
        return missing;
    }
}
