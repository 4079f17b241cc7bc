package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.testing.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Stopping never leaves a Paho thread behind: Paho's "MQTT Ping" timer thread is not a daemon, so one left
 * running keeps the JVM alive after the framework stopped.
 */
class StopTest {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    private static List<String> pahoThreadsOf(String clientId) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.startsWith("MQTT") && name.contains(clientId)).toList();
    }

    /** The threads the connections share, and those running a connection's work. */
    private static List<String> clientBundleThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("robmqtt-worker-") || name.equals("robmqtt-timer")
                        || name.startsWith("robmqtt-ping-") || name.startsWith("robmqtt-itest-")
                        || name.startsWith("robmqtt-drain-") || name.startsWith("robmqtt-listener-"))
                .toList();
    }

    /** Paho's threads of a client, with their stacks: what keeps each alive. */
    private static String pahoStacksOf(String clientId) {
        StringBuilder stacks = new StringBuilder();
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (thread.getName().startsWith("MQTT") && thread.getName().contains(clientId)) {
                stacks.append(thread.getName()).append('\n');
                for (StackTraceElement frame : stack) {
                    stacks.append("    at ").append(frame).append('\n');
                }
            }
        });
        return stacks.toString();
    }
    @Test
    void aConnectionStoppedOnAnInterruptedThreadStillDisconnectsAndLeavesNoPahoThread() throws Exception {
        StoreFixture.configure(cm, properties());
        try (ConnectionFixture c = new ConnectionFixture(context, cm,
                properties("broker.uris", new String[] {broker.uri()}))) {
            c.awaitConnected();
            assertThat(pahoThreadsOf(c.clientId)).as("Paho's threads while connected").isNotEmpty();
            Bundle client = Bundles.client(context);
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread stopper = new Thread(() -> {
                Thread.currentThread().interrupt(); // as a framework stopped by SIGINT, or Kura's shutdown, may be
                try {
                    client.stop(); // SCR deactivates the connection on this thread
                    outcome.set(Thread.currentThread().isInterrupted());
                } catch (Exception | Error e) {
                    outcome.set(e);
                }
            }, "itest-interrupted-stopper");
            stopper.start();
            try {
                stopper.join(60_000);
                assertThat(outcome.get()).as("the bundle stopped, and the caller's interrupt was kept")
                        .isEqualTo(true);
                Await.until("no Paho thread of " + c.clientId + " is left", Duration.ofSeconds(10),
                        () -> pahoThreadsOf(c.clientId).isEmpty(), () -> pahoThreadsOf(c.clientId).toString());
                Await.until("no thread of the client bundle is left", Duration.ofSeconds(10),
                        () -> clientBundleThreads().isEmpty(), () -> clientBundleThreads().toString());
            } finally {
                if (client.getState() != Bundle.ACTIVE) {
                    client.start();
                }
            }
        }
    }

    @Test
    void aConnectionStoppedDuringAConnectAttemptEndsPromptlyAndLeavesNoPahoThread() throws Exception {
        StoreFixture.configure(cm, properties());
        FaultyLink link = broker.link();
        link.blackhole(true); // the attempt waits for a CONNACK that never comes
        try (ConnectionFixture c = new ConnectionFixture(context, cm, properties("broker.uris",
                new String[] {link.uri()}))) {
            c.publisher();
            Await.until("the link accepted the attempt", Duration.ofSeconds(20), () -> !link.attempts().isEmpty());
            Await.until("Paho is connecting", Duration.ofSeconds(10), () -> !pahoThreadsOf(c.clientId).isEmpty());
            Bundle client = Bundles.client(context);
            Thread stopper = new Thread(() -> {
                try {
                    client.stop(); // SCR deactivates the connection in the middle of its attempt
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "itest-stopper");
            stopper.start();
            try {
                Await.until("the client bundle stopped, without waiting for the attempt", Duration.ofSeconds(6),
                        () -> !stopper.isAlive());
                assertThat(client.getState()).isNotEqualTo(Bundle.ACTIVE);
                Await.until("no Paho thread of " + c.clientId + " is left: the attempt was aborted",
                        Duration.ofSeconds(10), () -> pahoThreadsOf(c.clientId).isEmpty(),
                        () -> pahoStacksOf(c.clientId));
            } finally {
                stopper.join(60_000);
                if (client.getState() != Bundle.ACTIVE) {
                    client.start();
                }
            }
        }
    }
}
