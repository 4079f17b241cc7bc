package io.robmqtt.e2e;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes numbered messages (m-00001, m-00002, ...) through the gateway's Gogo shell with
 * {@code robmqtt:publish CONNECTION TOPIC PAYLOAD} (QoS 1), one at a time or at a steady pace in the background.
 */
final class NumberedPublisher implements AutoCloseable {
    private final GatewayProcess gateway;
    private final String connection;
    private final String topic;
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "e2e-publisher");
        thread.setDaemon(true);
        return thread;
    });
    private volatile RuntimeException failure;

    NumberedPublisher(GatewayProcess gateway, String connection, String topic) {
        this.gateway = gateway;
        this.connection = connection;
        this.topic = topic;
    }

    /** Types the next numbered message's publish command; returns its payload. */
    synchronized String publish() {
        String payload = String.format("m-%05d", sent.size() + 1);
        gateway.type("robmqtt:publish " + connection + " " + topic + " " + payload);
        sent.add(payload);
        return payload;
    }

    void publish(int messages) {
        for (int i = 0; i < messages; i++) {
            publish();
        }
    }

    /** Publishes one message every {@code period} in the background until {@link #stop()}. */
    void keepPublishing(Duration period) {
        background.scheduleAtFixedRate(() -> {
            try {
                publish();
            } catch (RuntimeException e) {
                failure = e;
                throw e; // ends the schedule; stop() reports it
            }
        }, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends background publishing, waiting for a command being typed; throws what made it fail, if anything. */
    void stop() throws InterruptedException {
        background.shutdown();
        if (!background.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the background publisher did not stop within 10 s");
        }
        if (failure != null) {
            throw new AssertionError("background publishing failed", failure);
        }
    }

    /** How many messages were published so far. */
    synchronized int count() {
        return sent.size();
    }

    /** The payloads published so far, in order. */
    List<String> sent() {
        return List.copyOf(sent);
    }

    @Override
    public void close() {
        background.shutdownNow();
    }
}
