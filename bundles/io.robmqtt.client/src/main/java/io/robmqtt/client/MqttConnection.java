package io.robmqtt.client;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.InflightStore;
import io.robmqtt.api.store.OfflineQueue;
import io.robmqtt.api.store.ReceivedStore;
import io.robmqtt.common.LogValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection: what it offers (publish, subscriptions, statistics, start, stop, reconfigure) and the events of
 * its Paho sessions. It builds the parts a message passes
 * through and wires them once: {@link PublishPath} (each publish, direct or queued, as the {@link Router} says),
 * {@link Drain} (after every connect, re-send what is inflight, then empty the queue), {@link AckBatcher}
 * (acknowledgements to the store), {@link Subscriptions} (incoming messages to listeners) and the
 * {@link ReconnectLoop} (broker sessions, fail-over and fail-back). Lifecycle changes run one at a time per
 * connection; the drain apart from them, so a long drain never delays a reconfiguration (both on the threads the
 * bundle's connections share, {@link ConnectionExecutors}); acknowledgements and incoming messages arrive on
 * Paho's threads.
 */
final class MqttConnection implements PahoSession.Events {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    /** How long a shutdown waits for the clean disconnect. */
    private static final long STOP_WAIT_MILLIS = 30_000;

    private final OfflineQueue queue;
    private final InflightStore inflight;
    private final ScheduledExecutorService lifecycle;
    /** Paho's keepalive checks of this connection's sessions (its ScheduledExecutorPingSender). */
    private final ScheduledExecutorService pings;
    private final Drain drain;
    private final DeliveryHandles handles = new DeliveryHandles(System::nanoTime);
    private final ConnectionCounters counters = new ConnectionCounters();
    private final PublishRate rate;
    private final Router<PahoSession> router;
    private final PublishPath publishing;
    private final AckBatcher acks;
    private final QueueExpiry expiry;
    private final Subscriptions subscriptions;
    private final ReconnectLoop loop;
    private final ConnectionExecutors executors;
    /** Whether this connection made {@link #executors} for itself, and ends them at shutdown. */
    private final boolean ownsExecutors;
    private volatile ConnectionSettings settings;
    // lifecycle thread only
    private ScheduledFuture<?> expirySweep;

    /** A connection whose configured secrets are used as they are (no reference, no decoder). */
    MqttConnection(ConnectionSettings settings, OfflineQueue queue, InflightStore inflight, ReceivedStore received) {
        this(settings, queue, inflight, received, new Secrets(), null);
    }

    /** @param executors the threads shared by the bundle's connections; null for threads of this connection's own */
    MqttConnection(ConnectionSettings settings, OfflineQueue queue, InflightStore inflight, ReceivedStore received,
            Secrets secrets, ConnectionExecutors executors) {
        this.ownsExecutors = executors == null;
        this.executors = ownsExecutors ? new ConnectionExecutors() : executors;
        this.settings = settings;
        this.queue = queue;
        this.inflight = inflight;
        this.rate = new PublishRate(System::nanoTime, settings.maxPublishRate(), settings.maxPublishBurst());
        this.router = new Router<>(PahoSession::onAcknowledgementThread, rate::tryTake);
        String name = settings.connectionName();
        ConnectionThreads threads = new ConnectionThreads(name, counters, this.executors);
        this.lifecycle = threads.scheduled("robmqtt-" + name);
        this.acks = new AckBatcher(inflight, name, lifecycle);
        this.subscriptions = new Subscriptions(name, threads.pool("robmqtt-listener-" + name), counters, lifecycle,
                System::nanoTime, () -> this.settings.listenerWaitSeconds(), () -> this.settings.listenerCapacity());
        this.expiry = new QueueExpiry(name, queue, handles, counters, () -> this.settings.messageExpiry());
        this.drain = new Drain(name, queue, inflight, router, acks, counters, rate, expiry,
                threads.scheduled("robmqtt-drain-" + name));
        this.publishing = new PublishPath(name, queue, inflight, router, drain, handles, counters);
        this.pings = threads.scheduled("robmqtt-ping-" + name);
        this.loop = new ReconnectLoop(settings, lifecycle, pings, this, secrets, received, counters,
                router, subscriptions, drain);
    }

    ConnectionSettings settings() {
        return settings;
    }

    String name() {
        return settings.connectionName();
    }

    OfflineQueue queue() {
        return queue;
    }

    InflightStore inflight() {
        return inflight;
    }

    ConnectionCounters counters() {
        return counters;
    }

    /** See {@link PublishPath#publish}. */
    Delivery publish(OutgoingMessage message) {
        return publishing.publish(message);
    }

    /** See {@link PublishPath#publishAsync}. */
    CompletionStage<Delivery> publishAsync(OutgoingMessage message) {
        return publishing.publishAsync(message);
    }

    void start() {
        lifecycle.execute(() -> {
            if (expirySweep == null) { // connected or not: expired messages must not hold queue capacity
                expirySweep = lifecycle.scheduleWithFixedDelay(expiry::sweep, 0, QueueExpiry.SWEEP_SECONDS,
                        TimeUnit.SECONDS);
            }
            loop.start();
        });
    }

    /** A clean disconnect: no reconnect until {@link #start()}. */
    CompletableFuture<Void> stop() {
        return CompletableFuture.runAsync(loop::stop, lifecycle);
    }

    /** Applies new settings: live ones at once, the others by a clean reconnect. */
    CompletableFuture<Void> reconfigure(ConnectionSettings next) {
        return CompletableFuture.runAsync(() -> {
            settings = next;
            rate.configure(next.maxPublishRate(), next.maxPublishBurst());
            loop.reconfigure(next);
        }, lifecycle);
    }

    /**
     * Disconnects cleanly and releases every thread, also when called on an interrupted thread (a framework that
     * stops on SIGINT, Kura's shutdown): the clean disconnect still runs, and whatever session the lifecycle thread
     * could not end in time is closed here, so that no Paho thread outlives the connection. The interrupt is kept.
     */
    void shutdown() {
        boolean interrupted = Thread.interrupted();
        try {
            interrupted |= awaitUninterruptibly(stop(), STOP_WAIT_MILLIS);
        } catch (RejectedExecutionException e) {
            // the lifecycle thread is gone already: the session, if any, is closed below
        }
        lifecycle.shutdown();
        interrupted |= awaitTermination(lifecycle, 5_000);
        if (loop.closeLeftSession()) {
            LOG.warn("event=disconnected connection={} reason=\"closed at shutdown, the clean stop did not finish\"",
                    LogValue.of(name()));
        }
        lifecycle.shutdownNow();
        pings.shutdownNow(); // every session is closed: no keepalive check is wanted any more
        drain.shutdown();
        acks.flush();
        if (ownsExecutors) {
            executors.shutdown();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for {@code stage} up to {@code millis}, through interrupts; true if one came. */
    private boolean awaitUninterruptibly(CompletableFuture<Void> stage, long millis) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (true) {
            try {
                stage.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("event=shutdown_slow connection={} reason={}", LogValue.of(name()), LogValue.of(e.toString()));
                return interrupted;
            }
        }
    }

    private static boolean awaitTermination(ExecutorService executor, long millis) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!executor.isTerminated() && System.nanoTime() < deadline) {
            try {
                executor.awaitTermination(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    @Override
    public void connected(PahoSession s, boolean sessionPresent) {
        loop.connected(s, sessionPresent);
    }

    @Override
    public void connectFailed(PahoSession s, Throwable cause) {
        loop.connectFailed(s, cause);
    }

    @Override
    public void lost(PahoSession s, Throwable cause) {
        loop.lost(s, cause);
    }

    @Override
    public void acknowledged(PahoSession s, long sequence) {
        acks.acknowledged(sequence);
        counters.acknowledged.increment();
        handles.delivered(sequence);
    }

    @Override
    public void sendFailed(PahoSession s, long sequence, Throwable cause) {
        LOG.warn("event=send_failed connection={} sequence={} reason={}: it will be sent again", LogValue.of(name()),
                sequence, LogValue.of(cause == null ? "unknown" : cause.toString()));
        drain.resendNeeded();
    }

    @Override
    public void messageArrived(PahoSession s, String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
        subscriptions.dispatch(s, topic, message);
    }

    Subscriptions subscriptions() {
        return subscriptions;
    }

    boolean connected() {
        PahoSession current = router.current();
        return current != null && current.alive();
    }

    /** How long the publish rate held the connection back, in seconds. */
    double throttledSeconds() {
        return rate.throttledSeconds();
    }

    /** Whether publishes go straight to the broker now: connected, and the queue drained. */
    boolean live() {
        return router.isLive();
    }

    /** See {@link ConnectionControl#broker()}. */
    String broker() {
        return connected() ? loop.broker() : "";
    }

    double currentBackoffSeconds() {
        return loop.currentBackoffSeconds();
    }
}
