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
 * One connection: its reconnect loop and the events of its Paho sessions. It builds the parts a message passes
 * through and wires them once: {@link PublishPath} (each publish, direct or queued, as the {@link Router} says),
 * {@link Drain} (after every connect, re-send what is inflight, then empty the queue), {@link AckBatcher}
 * (acknowledgements to the store) and {@link Subscriptions} (incoming messages to listeners). Lifecycle changes
 * run one at a time per connection; the drain apart from them, so a long drain never delays a reconfiguration (both
 * on the threads the bundle's connections share, {@link ConnectionExecutors}); acknowledgements and incoming
 * messages arrive on Paho's threads.
 */
final class MqttConnection implements PahoSession.Events {
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    /** Events as structured records (the original's log_event); the logging bundle writes them as JSON lines. */
    private static final Logger EVENTS = LoggerFactory.getLogger("robmqtt.events");
    /** How long a shutdown waits for the clean disconnect. */
    private static final long STOP_WAIT_MILLIS = 30_000;

    private final OfflineQueue queue;
    private final InflightStore inflight;
    private final ScheduledExecutorService lifecycle;
    private final Drain drain;
    private final DeliveryHandles handles = new DeliveryHandles(System::nanoTime);
    private final ConnectionCounters counters = new ConnectionCounters();
    private final PublishRate rate;
    private final Router<PahoSession> router;
    private final PublishPath publishing;
    /** Paho's QoS 2 receive state, kept durably from one session's client to the next. */
    private final ReceivedQos2 receivedQos2;
    private final AckBatcher acks;
    private final Secrets secrets;
    private final QueueExpiry expiry;
    private final Subscriptions subscriptions;
    private final ConnectionExecutors executors;
    /** Whether this connection made {@link #executors} for itself, and ends them at shutdown. */
    private final boolean ownsExecutors;
    private volatile ConnectionSettings settings;
    private volatile BackoffSchedule backoff;
    // lifecycle thread only
    private volatile PahoSession session; // read by shutdown() once the lifecycle thread has ended
    private ScheduledFuture<?> nextAttempt;
    private ScheduledFuture<?> expirySweep;
    private boolean running;
    private boolean everConnected;

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
        this.secrets = secrets;
        this.queue = queue;
        this.inflight = inflight;
        this.backoff = newBackoff(settings);
        this.rate = new PublishRate(System::nanoTime, settings.maxPublishRate(), settings.maxPublishBurst());
        this.router = new Router<>(PahoSession::onAcknowledgementThread, rate::tryTake);
        String name = settings.connectionName();
        this.receivedQos2 = new ReceivedQos2(received, name);
        ConnectionThreads threads = new ConnectionThreads(name, counters, this.executors);
        this.lifecycle = threads.scheduled("robmqtt-" + name);
        this.acks = new AckBatcher(inflight, name, lifecycle);
        this.subscriptions = new Subscriptions(name, threads.pool("robmqtt-listener-" + name), counters, lifecycle,
                System::nanoTime, () -> this.settings.listenerWaitSeconds(), () -> this.settings.listenerCapacity());
        this.expiry = new QueueExpiry(name, queue, handles, counters, () -> this.settings.messageExpiry());
        this.drain = new Drain(name, queue, inflight, router, acks, counters, rate, expiry,
                threads.scheduled("robmqtt-drain-" + name));
        this.publishing = new PublishPath(name, queue, inflight, router, drain, handles, counters);
    }

    private static BackoffSchedule newBackoff(ConnectionSettings s) {
        return new BackoffSchedule(s.minBackoff(), s.maxBackoff(), Math::random);
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
            running = true;
            if (expirySweep == null) { // connected or not: expired messages must not hold queue capacity
                expirySweep = lifecycle.scheduleWithFixedDelay(expiry::sweep, 0, QueueExpiry.SWEEP_SECONDS,
                        TimeUnit.SECONDS);
            }
            attempt();
        });
    }

    /** A clean disconnect: no reconnect until {@link #start()}. */
    CompletableFuture<Void> stop() {
        return CompletableFuture.runAsync(this::stopNow, lifecycle);
    }

    private void stopNow() {
        running = false;
        if (nextAttempt != null) {
            nextAttempt.cancel(false);
            nextAttempt = null;
        }
        if (session != null) {
            router.sessionEnded(session);
            subscriptions.sessionEnded(session);
            PahoSession ending = session;
            session = null;
            ending.disconnect();
            LOG.info("event=disconnected connection={} reason=\"clean disconnect\"", LogValue.of(name()));
        }
    }

    /** Applies new settings: live ones at once, the others by a clean reconnect. */
    CompletableFuture<Void> reconfigure(ConnectionSettings next) {
        return CompletableFuture.runAsync(() -> {
            ConnectionSettings previous = settings;
            settings = next;
            backoff = newBackoff(next);
            rate.configure(next.maxPublishRate(), next.maxPublishBurst());
            if (previous.needsReconnect(next) && running) {
                LOG.info("event=reconfiguring connection={} settings={}", LogValue.of(name()), LogValue.of(next));
                stopNow();
                running = true;
                attempt();
            }
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
        PahoSession left = session; // the lifecycle thread has ended: its fields are ours now
        if (left != null) {
            session = null;
            left.disconnect();
            LOG.warn("event=disconnected connection={} reason=\"closed at shutdown, the clean stop did not finish\"",
                    LogValue.of(name()));
        }
        lifecycle.shutdownNow();
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

    private void attempt() {
        nextAttempt = null;
        if (!running || session != null) {
            return;
        }
        PahoSession attempt = null;
        try {
            ConnectionSettings resolved = secrets.resolve(settings); // for this attempt only
            TlsContext tls = resolved.useTls() ? TlsContext.build(resolved, java.time.Clock.systemUTC()) : null;
            attempt = new PahoSession(resolved, tls, this, receivedQos2, executors.pings());
            session = attempt;
            warnAboutTls(tls);
            LOG.info("event=connecting connection={} brokers={} client_id={}", LogValue.of(name()),
                    LogValue.of(settings.brokerUris()), LogValue.of(settings.clientId()));
            attempt.connect(resolved);
        } catch (Exception e) {
            // Whatever fails in an attempt (Paho refusing a URI, a key file Bouncy Castle cannot decode) is a failed
            // attempt, reported and retried by the backoff: never the end of the reconnect loop. An Error is not
            // caught: a dying thread must show.
            onConnectFailed(attempt, e);
        }
    }

    private void warnAboutTls(TlsContext tls) {
        counters.certificateWarning = tls == null ? "" : tls.expiryWarning();
        if (settings.sendsCredentialsInClear()) {
            LOG.warn("event=credentials_in_clear connection={} brokers={}: use.tls is false, so the username and "
                    + "password cross the network unencrypted; set use.tls (or ssl:// broker URIs)",
                    LogValue.of(name()), LogValue.of(settings.brokerUris()));
        }
        if (tls == null) {
            return;
        }
        if (!settings.verifyHostname()) {
            LOG.warn("event=tls_hostname_verification_off connection={}: the broker's certificate is not checked "
                    + "against the host name; anyone with a certificate from the same CA can pose as the broker",
                    LogValue.of(name()));
        }
        if (!tls.expiryWarning().isEmpty()) {
            LOG.warn("event=certificate_expiring connection={} reason={}", LogValue.of(name()),
                    LogValue.of(tls.expiryWarning()));
        }
    }

    @Override
    public void connected(PahoSession s, boolean sessionPresent) {
        lifecycle.execute(() -> {
            if (s != session) {
                s.close();
                return;
            }
            backoff.reset();
            if (everConnected) {
                counters.reconnects.increment();
            }
            everConnected = true;
            LOG.info("event=connected connection={} client_id={} session_present={}", LogValue.of(name()),
                    LogValue.of(settings.clientId()),
                    sessionPresent);
            EventLine.info(EVENTS, "connection_established", "connection", name(), "brokers", settings.brokerUris(),
                    "session_present", sessionPresent);
            subscriptions.sessionStarted(s); // here, not in Paho's callback: subscribing there deadlocks (#985)
            drain.start(s);
        });
    }

    @Override
    public void connectFailed(PahoSession s, Throwable cause) {
        lifecycle.execute(() -> onConnectFailed(s, cause));
    }

    private void onConnectFailed(PahoSession s, Throwable cause) {
        if (s != session) {
            return; // a session we no longer wait for
        }
        session = null;
        if (s != null) {
            s.close();
        }
        ConnectFailure failure = ConnectFailure.of(cause, settings);
        counters.connectFailures.increment();
        counters.lastConnectError = failure.reason();
        double delay = failure.refused() ? backoff.afterRefusal() : backoff.afterFailure();
        LOG.warn("event=connect_failed connection={} brokers={} refused={} reason={} retry_in_seconds={}",
                LogValue.of(name()), LogValue.of(settings.brokerUris()), failure.refused(),
                LogValue.of(failure.reason()), String.format("%.2f", delay));
        scheduleAttempt(delay);
    }

    @Override
    public void lost(PahoSession s, Throwable cause) {
        router.sessionEnded(s);
        subscriptions.sessionEnded(s);
        lifecycle.execute(() -> {
            if (s != session) {
                return;
            }
            session = null;
            s.close();
            double delay = backoff.afterFailure();
            EventLine.warn(EVENTS, "connection_lost", "connection", name(), "reason", String.valueOf(cause));
            LOG.warn("event=connection_lost connection={} reason={} retry_in_seconds={}", LogValue.of(name()),
                    LogValue.of(cause == null ? "unknown" : cause.toString()), String.format("%.2f", delay));
            scheduleAttempt(delay);
        });
    }

    private void scheduleAttempt(double delaySeconds) {
        if (running) {
            nextAttempt = lifecycle.schedule(this::attempt, Math.round(delaySeconds * 1000), TimeUnit.MILLISECONDS);
        }
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

    double currentBackoffSeconds() {
        return backoff.current();
    }
}
