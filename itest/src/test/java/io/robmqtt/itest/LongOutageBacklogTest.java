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
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A long outage in a small heap: a gateway JVM with {@code -Xmx64m}, as the launcher runs it (ending on an
 * OutOfMemoryError), queues 1,000,000 QoS 1 messages through publishAsync while its broker is unreachable, then
 * drains them all once the link is back. A subscriber on the broker, subscribed before, must get every number.
 * The messages come from a test-only bundle (itest-backlog) installed through the gateway's Gogo console, which
 * also reports the heap in use after a full GC; the test prints it with the enqueue and drain times.
 */
class LongOutageBacklogTest {
    private static final int MESSAGES = Integer.getInteger("robmqtt.itest.backlog", 1_000_000);
    private static final String TOPIC = "itest/backlog";
    private static final Pattern STORED = Pattern.compile("backlog: stored (\\d+) of (\\d+) messages in (\\d+) ms, "
            + "(\\d+) failed(.*)");
    private static final Pattern HEAP = Pattern.compile("backlog: heap after GC used (\\d+) bytes.*");

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @Test
    void aMillionMessagesQueuedOfflineDrainWithNoneLostInA64MegabyteHeap() throws Exception {
        Path jar = ChildProcesses.jar("robmqtt.gateway.jar", "the bndrun module builds it before this one");
        Path bundle = backlogBundle();
        Path dir = Files.createTempDirectory("robmqtt-long-outage");
        FaultyLink link = broker.link();
        link.refuse(true); // the outage: every connection attempt is closed at once
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = data/robmqtt.db\n"
                + "max.queue.size = " + MESSAGES + "\nmax.queue.bytes = 1073741824\n");
        Files.writeString(conf.resolve("io.robmqtt.connection-default.cfg"), "client.id = long-outage-test\n"
                + "broker.uris = " + link.uri() + "\nmin.backoff = 0.1\nmax.backoff = 0.5\n");
        for (String file : new String[] {"logback.xml", "logging.properties"}) { // as shipped: the console quiet
            Files.copy(Path.of(System.getProperty("robmqtt.repo"), "conf", file), conf.resolve(file));
        }
        Path log = dir.resolve("gateway.log");
        try (NumberSubscriber subscriber = new NumberSubscriber(broker.uri(), TOPIC, MESSAGES)) {
            Process gateway = ChildProcesses.startJar(jar, dir, "gateway.log", TestBroker.freePort(), List.of(
                    "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", // as ./gateway runs it
                    "-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=" + dir), // kept when the test fails
                    "logback.configurationFile=conf/logback.xml", "java.util.logging.config.file=conf/logging.properties");
            try (PrintWriter console = new PrintWriter(gateway.getOutputStream(), true, StandardCharsets.UTF_8)) {
                Await.until("the gateway tried to connect", Duration.ofSeconds(60),
                        () -> ChildProcesses.contains(log, "event=connect_failed"), () -> tail(log));
                console.println("start " + bundle.toUri()); // installs it, and starts it once the framework has
                long[] asked = {0};
                Await.until("the backlog commands answer", Duration.ofSeconds(60), () -> {
                    if (System.nanoTime() - asked[0] > 500_000_000L) { // ask again at most every 500 ms
                        console.println("backlog:heap");
                        asked[0] = System.nanoTime();
                    }
                    return HEAP.matcher(ChildProcesses.read(log)).find();
                }, () -> tail(log));
                console.println("backlog:publish default " + TOPIC + " " + MESSAGES);
                Matcher stored = awaitLine(log, STORED, 1, gateway, Duration.ofSeconds(120));
                int heapLines = count(log, HEAP);
                console.println("backlog:heap");
                long queuedHeap = Long.parseLong(awaitLine(log, HEAP, heapLines + 1, gateway, Duration.ofSeconds(30))
                        .group(1));
                assertThat(stored.group(4)).as("publishAsync failures: " + stored.group(5)).isEqualTo("0");
                assertThat(subscriber.distinct()).as("nothing got through the outage").isZero();

                long drainStart = System.nanoTime();
                link.refuse(false);
                Await.until("the subscriber received all " + MESSAGES + " numbers", Duration.ofSeconds(150),
                        () -> subscriber.distinct() == MESSAGES || !gateway.isAlive(),
                        () -> subscriber.distinct() + " received; " + histogram(gateway));
                long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStart);
                assertThat(gateway.isAlive()).as("the gateway JVM is alive (log: " + tail(log) + ")").isTrue();
                console.println("backlog:heap");
                long drainedHeap = Long.parseLong(awaitLine(log, HEAP, heapLines + 2, gateway, Duration.ofSeconds(30))
                        .group(1));

                System.out.printf("long outage: %d messages queued offline in %s ms (publishAsync), drained in %d ms "
                        + "(%.0f msg/s, from the link's return to the last number at the subscriber); heap used "
                        + "after GC, -Xmx64m: %.1f MiB with the backlog queued, %.1f MiB after the drain; "
                        + "%d duplicates%n", MESSAGES, stored.group(3), drainMillis, MESSAGES * 1000.0 / drainMillis,
                        queuedHeap / 1048576.0, drainedHeap / 1048576.0, subscriber.duplicates());
                assertThat(subscriber.missing()).as("numbers never received").isEmpty();
                assertThat(subscriber.strangers()).as("payloads that are no number of ours").isZero();
                assertThat(gateway.isAlive()).as("the gateway JVM is still alive").isTrue();
            } finally {
                ChildProcesses.stop(gateway);
            }
        }
        TempDirs.delete(dir); // kept for inspection when the test failed
    }

    /** The n-th line matching the pattern in the gateway's console, while the gateway lives. */
    private static Matcher awaitLine(Path log, Pattern pattern, int n, Process gateway, Duration timeout) {
        Matcher[] found = {null};
        Await.until("line " + n + " like '" + pattern + "' in the gateway's console", timeout, () -> {
            if (!gateway.isAlive()) {
                throw new AssertionError("the gateway JVM ended (exit " + gateway.exitValue() + "): " + tail(log));
            }
            Matcher m = pattern.matcher(ChildProcesses.read(log));
            for (int i = 0; i < n; i++) {
                if (!m.find()) {
                    return false;
                }
            }
            found[0] = m;
            return true;
        }, () -> tail(log));
        return found[0];
    }

    private static int count(Path log, Pattern pattern) {
        return (int) pattern.matcher(ChildProcesses.read(log)).results().count();
    }

    private static String tail(Path log) {
        String text = ChildProcesses.read(log);
        return text.substring(Math.max(0, text.length() - 2_000));
    }

    /** The top of the gateway's class histogram (jcmd GC.class_histogram), to say what holds its heap. */
    private static String histogram(Process gateway) {
        if (!gateway.isAlive()) {
            return "the gateway JVM ended (exit " + gateway.exitValue() + ")";
        }
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(gateway.pid()), "GC.class_histogram").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return "gateway heap:\n" + String.join("\n", out.lines().limit(25).toList());
        } catch (IOException e) {
            return "no class histogram: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no class histogram: interrupted";
        }
    }

    private static Path backlogBundle() throws IOException {
        Path target = Path.of(System.getProperty("robmqtt.repo", "missing"), "itest-backlog", "target");
        try (Stream<Path> jars = Files.list(target)) {
            List<Path> found = jars.filter(p -> p.getFileName().toString().matches(
                    "io\\.robmqtt\\.itest\\.backlog-[0-9].*\\.jar") && !p.toString().endsWith("-sources.jar")).toList();
            assertThat(found).as("the backlog test bundle built in " + target).hasSize(1);
            return found.get(0);
        }
    }

    /**
     * A plain Paho QoS 1 subscriber that keeps one bit per number (the test's Subscriber keeps every payload, too
     * much for a million): which arrived, how many twice, how many payloads were no number of ours.
     */
    private static final class NumberSubscriber implements AutoCloseable {
        private final MqttClient client;
        private final BitSet seen;
        private final int count;
        private final AtomicLong duplicates = new AtomicLong();
        private final AtomicLong strangers = new AtomicLong();
        private volatile int distinct;

        NumberSubscriber(String uri, String topic, int count) throws MqttException {
            this.count = count;
            this.seen = new BitSet(count);
            client = new MqttClient(uri, "long-outage-sub-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            client.connect(options);
            client.subscribe(topic, 1, (t, message) -> take(message.getPayload()));
        }

        /** On Paho's callback thread, one message at a time. */
        private synchronized void take(byte[] payload) {
            int n;
            try {
                n = Integer.parseInt(new String(payload, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                strangers.incrementAndGet();
                return;
            }
            if (n < 0 || n >= count) {
                strangers.incrementAndGet();
            } else if (seen.get(n)) {
                duplicates.incrementAndGet();
            } else {
                seen.set(n);
                distinct++;
            }
        }

        int distinct() {
            return distinct;
        }

        long duplicates() {
            return duplicates.get();
        }

        long strangers() {
            return strangers.get();
        }

        /** Up to 20 numbers that never arrived. */
        synchronized List<Integer> missing() {
            return Stream.iterate(seen.nextClearBit(0), n -> n < count, n -> seen.nextClearBit(n + 1)).limit(20)
                    .toList();
        }

        @Override
        public void close() throws MqttException {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
    }
}
