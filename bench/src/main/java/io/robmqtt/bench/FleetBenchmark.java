package io.robmqtt.bench;

import io.robmqtt.testing.ConnectRecorder;
import io.robmqtt.testing.GatewayFleet;
import io.robmqtt.testing.StormFigures;
import io.robmqtt.testing.TestBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * What a fleet of connections in one gateway JVM costs and does when its broker restarts (#18 items 4 and 5).
 *
 * <ul>
 *   <li><b>storm</b>: {@code bench.connections} (200) robmqtt connections in one gateway JVM, through a
 *       {@link ConnectRecorder} in front of one Mosquitto; the broker is SIGKILLed for {@code bench.outage.factor}
 *       (1.5) × max.backoff ({@code bench.max.backoff}, 10 s) and restarted on the same port. Then as many raw Paho
 *       {@code MqttAsyncClient}s with automatic reconnect (maxReconnectDelay = max.backoff) in this JVM, the same
 *       way. Prints the reconnects per second over each reconnect window, the uniform floor over the same window,
 *       and the time until all were back.</li>
 *   <li><b>idle</b>: threads, heap after a full GC and CPU time over {@code bench.idle.seconds} (30) of idle, at
 *       1, 10 and {@code bench.connections} connected connections, {@code bench.settle.seconds} (30) after all
 *       connected, for the gateway jar and, with
 *       {@code -Dbench.reference.jar=...}, for a reference jar (an earlier build) in the same run.</li>
 * </ul>
 *
 * <pre>
 * mvn -B -q install -DskipTests
 * mvn -B -q -pl bench exec:java -Dbench.main=io.robmqtt.bench.FleetBenchmark [-Dbench.only=storm|idle]
 * </pre>
 */
public final class FleetBenchmark {
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 200);
    private static final double MAX_BACKOFF = Double.parseDouble(System.getProperty("bench.max.backoff", "10"));
    private static final double OUTAGE = MAX_BACKOFF * Double.parseDouble(System.getProperty("bench.outage.factor",
            "1.5"));
    private static final int IDLE_SECONDS = Integer.getInteger("bench.idle.seconds", 30);
    /** Before the idle figures: the start-up's tail (JIT compilation, the first sweeps) is not idle. */
    private static final int SETTLE_SECONDS = Integer.getInteger("bench.settle.seconds", 30);
    private static final String ONLY = System.getProperty("bench.only", "");
    private static final Path JAR = Path.of(System.getProperty("bench.gateway.jar", "../bndrun/target/gateway.jar"));
    private static final Path CONF = Path.of(System.getProperty("bench.conf.dir", "../conf"));

    private FleetBenchmark() {}

    public static void main(String[] args) throws Exception {
        System.out.printf("robmqtt fleet benchmark: %d cores, Java %s, Mosquitto on loopback, %d connections, "
                + "max.backoff %.0f s, gateway %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), CONNECTIONS, MAX_BACKOFF, JAR);
        if (!ONLY.equals("idle")) {
            storms();
        }
        if (!ONLY.equals("storm")) {
            idle();
        }
    }

    private static void storms() throws Exception {
        try (TestBroker broker = TestBroker.startMosquitto();
                ConnectRecorder recorder = new ConnectRecorder(TestBroker.freePort(), broker.port())) {
            recorder.accept();
            StormFigures robmqtt;
            try (GatewayFleet gateway = GatewayFleet.start(JAR, CONF, CONNECTIONS, recorder.port(), MAX_BACKOFF)) {
                gateway.awaitAllConnected(Duration.ofMinutes(3));
                robmqtt = storm(broker, recorder, "robmqtt-fleet-");
            }
            StormFigures paho;
            List<MqttAsyncClient> clients = pahoFleet(recorder.port());
            try {
                paho = storm(broker, recorder, "paho-fleet-");
            } finally {
                closeAll(clients);
            }
            Random random = new Random(42);
            System.out.printf("%nReconnect storm: the broker down for %.0f s (%.1f x max.backoff), then back on its "
                    + "port%n", OUTAGE, OUTAGE / MAX_BACKOFF);
            System.out.printf("  %-44s %s%n", "robmqtt, one gateway JVM", robmqtt);
            System.out.printf("  %-44s %s%n", "  uniform floor over the same window", robmqtt.uniformFloor(random));
            System.out.printf("  %-44s %s%n", "Paho automatic reconnect, one JVM", paho);
            System.out.printf("  %-44s %s%n", "  uniform floor over the same window", paho.uniformFloor(random));
            System.out.printf("target all back within 1.5 x max.backoff (%.1f s): robmqtt %.2f s %s, Paho %.2f s %s%n",
                    1.5 * MAX_BACKOFF, robmqtt.windowSeconds(), met(robmqtt.windowSeconds() <= 1.5 * MAX_BACKOFF),
                    paho.windowSeconds(), met(paho.windowSeconds() <= 1.5 * MAX_BACKOFF));
            System.out.printf("target peak <= 3 x mean: robmqtt %.2f %s, Paho %.2f %s%n", robmqtt.peakOverMean(),
                    met(robmqtt.peakOverMean() <= 3), paho.peakOverMean(), met(paho.peakOverMean() <= 3));
        }
    }

    private static String met(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static StormFigures storm(TestBroker broker, ConnectRecorder recorder, String clientPrefix)
            throws Exception {
        return recorder.storm(broker, Duration.ofMillis((long) (OUTAGE * 1000)), clientPrefix, CONNECTIONS,
                Duration.ofSeconds((long) (6 * MAX_BACKOFF + 60)));
    }

    /** Raw Paho clients, connected, with Paho's automatic reconnect: maxReconnectDelay = max.backoff. */
    private static List<MqttAsyncClient> pahoFleet(int port) throws MqttException {
        List<MqttAsyncClient> clients = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + port, "paho-fleet-" + i,
                    new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setAutomaticReconnect(true);
            options.setMaxReconnectDelay((int) (MAX_BACKOFF * 1000));
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1); // as robmqtt: no 3.1 fallback attempt
            options.setCleanSession(false);
            client.connect(options).waitForCompletion(30_000);
            clients.add(client);
        }
        return clients;
    }

    private static void closeAll(List<MqttAsyncClient> clients) {
        for (MqttAsyncClient client : clients) {
            try {
                client.disconnectForcibly(0, 1_000, false);
                client.close(true);
            } catch (MqttException e) {
                System.err.println("closing " + client.getClientId() + ": " + e);
            }
        }
    }

    /** One gateway's figures at one number of connections. */
    private record Idle(int threads, long heapBytes, long cpuMillis) {}

    private static void idle() throws Exception {
        Path reference = System.getProperty("bench.reference.jar") == null ? null
                : Path.of(System.getProperty("bench.reference.jar"));
        System.out.printf("%nIdle connections: threads, heap after a full GC, CPU over %d s idle%n", IDLE_SECONDS);
        Map<String, Map<Integer, Idle>> figures = new LinkedHashMap<>();
        try (TestBroker broker = TestBroker.startMosquitto()) {
            for (int n : new int[] {1, 10, CONNECTIONS}) {
                if (reference != null) {
                    figures.computeIfAbsent("reference", k -> new TreeMap<>()).put(n, idle(broker, reference, n,
                            "reference"));
                }
                figures.computeIfAbsent("gateway", k -> new TreeMap<>()).put(n, idle(broker, JAR, n, "gateway"));
            }
        }
        System.out.printf("%nPer connection, from 1 to %d connections:%n", CONNECTIONS);
        figures.forEach((label, byCount) -> {
            Idle one = byCount.get(1);
            Idle all = byCount.get(CONNECTIONS);
            double added = CONNECTIONS - 1;
            System.out.printf("  %-9s %5.2f threads, %5.1f KiB heap after GC, %5.2f ms CPU per %d s%n", label,
                    (all.threads() - one.threads()) / added, (all.heapBytes() - one.heapBytes()) / added / 1024,
                    (all.cpuMillis() - one.cpuMillis()) / added, IDLE_SECONDS);
        });
    }

    private static Idle idle(TestBroker broker, Path jar, int connections, String label) throws Exception {
        try (GatewayFleet gateway = GatewayFleet.start(jar, CONF, connections, broker.port(), MAX_BACKOFF)) {
            gateway.awaitAllConnected(Duration.ofMinutes(3));
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(SETTLE_SECONDS)); // a duration, not a condition
            JvmProbe probe = new JvmProbe(gateway.pid());
            long cpuBefore = probe.cpuMillis();
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(IDLE_SECONDS)); // the idle period measured
            Idle idle = new Idle(probe.threads(), probe.heapAfterGc(), probe.cpuMillis() - cpuBefore);
            System.out.printf("  %-9s %4d connections: %5d threads, heap after GC %6.1f MiB, CPU %6d ms in %d s%n",
                    label, connections, idle.threads(), idle.heapBytes() / 1048576.0, idle.cpuMillis(), IDLE_SECONDS);
            if (connections == CONNECTIONS) {
                JvmProbe.kindsTable(probe.threadKinds()).forEach(row -> System.out.println("      " + row));
            }
            return idle;
        }
    }
}
