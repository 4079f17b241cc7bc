package io.robmqtt.client;

import io.robmqtt.api.store.ReceivedStore;
import io.robmqtt.common.LogValue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconnect loop of one connection: one broker session at a time, from the attempt to its end. Each round of
 * attempts goes down {@code broker.uris} from the first ({@link BrokerRound}), each broker bounded by its connect
 * timeout, and waits the {@link BackoffSchedule} only when every broker failed. Connected to a later broker, it can
 * probe the first at the fail-back interval and move back to it: the new session first, then a clean disconnect
 * from the other. A connected session is handed to the {@link Router} (publishes), the {@link Subscriptions} and
 * the {@link Drain}; an ended one is taken back from them. Everything here runs on the connection's lifecycle
 * thread; Paho's threads only report, through {@link #connected}, {@link #connectFailed} and {@link #lost}.
 */
final class ReconnectLoop {
    private static final Logger LOG = LoggerFactory.getLogger(ReconnectLoop.class);
    /** Events as structured records (the original's log_event); the logging bundle writes them as JSON lines. */
    private static final Logger EVENTS = LoggerFactory.getLogger("robmqtt.events");

    private final String name;
    private final ScheduledExecutorService lifecycle;
    private final ScheduledExecutorService pings;
    private final PahoSession.Events events;
    private final Secrets secrets;
    /** Where Paho's QoS 2 receive state is kept durably from one session's client to the next. */
    private final ReceivedStore received;
    private final ConnectionCounters counters;
    private final Router<PahoSession> router;
    private final Subscriptions subscriptions;
    private final Drain drain;
    private final BrokerRound round = new BrokerRound();
    private volatile ConnectionSettings settings;
    private volatile BackoffSchedule backoff;
    // lifecycle thread only
    private volatile PahoSession session; // read by closeLeftSession() once the lifecycle thread has ended
    /** Whether {@link #session} has its CONNACK; until then the connect timeout may end it. */
    private boolean sessionConnected;
    /** A session to the first broker opened while connected to a later one (fail-back); read on Paho's threads. */
    private volatile PahoSession probe;
    private ScheduledFuture<?> nextAttempt;
    private ScheduledFuture<?> failback;
    private boolean running;
    private boolean everConnected;

    /** @param pings where the sessions' keepalive checks run */
    ReconnectLoop(ConnectionSettings settings, ScheduledExecutorService lifecycle, ScheduledExecutorService pings,
            PahoSession.Events events, Secrets secrets, ReceivedStore received, ConnectionCounters counters, Router<PahoSession> router,
            Subscriptions subscriptions, Drain drain) {
        this.name = settings.connectionName();
        this.settings = settings;
        this.backoff = newBackoff(settings);
        this.lifecycle = lifecycle;
        this.pings = pings;
        this.events = events;
        this.secrets = secrets;
        this.received = received;
        this.counters = counters;
        this.router = router;
        this.subscriptions = subscriptions;
        this.drain = drain;
    }

    private static BackoffSchedule newBackoff(ConnectionSettings s) {
        return new BackoffSchedule(s.minBackoff(), s.maxBackoff(), Math::random);
    }

    private String name() {
        return name;
    }

    /** On the lifecycle thread: connects, and reconnects whenever the session ends, until {@link #stop()}. */
    void start() {
        running = true;
        attempt();
    }

    /** On the lifecycle thread: a clean disconnect, and no reconnect until {@link #start()}. */
    void stop() {
        running = false;
        if (nextAttempt != null) {
            nextAttempt.cancel(false);
            nextAttempt = null;
        }
        cancelFailback();
        round.restart();
        if (probe != null) {
            probe.close();
            probe = null;
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

    /** On the lifecycle thread: applies new settings, by a clean reconnect where they need one. */
    void reconfigure(ConnectionSettings next) {
        ConnectionSettings previous = settings;
        settings = next;
        backoff = newBackoff(next);
        if (previous.needsReconnect(next) && running) {
            LOG.info("event=reconfiguring connection={} settings={}", LogValue.of(name()), LogValue.of(next));
            stop();
            running = true;
            attempt();
        } else {
            scheduleFailback(); // a new interval, or fail-back turned on or off
        }
    }

    /**
     * Once the lifecycle thread has ended: closes the session (and a fail-back probe) it could not end in time, so
     * that no Paho thread outlives the connection; false if there was no session.
     */
    boolean closeLeftSession() {
        PahoSession left = session; // the lifecycle thread has ended: its fields are ours now
        PahoSession leftProbe = probe;
        if (leftProbe != null) {
            probe = null;
            leftProbe.close();
        }
        if (left == null) {
            return false;
        }
        session = null;
        left.disconnect();
        return true;
    }

    /** The URI of the session's broker: the one connected to, or being tried. */
    String broker() {
        PahoSession s = session;
        return s == null ? "" : s.uri();
    }

    /** The wait last chosen, or min.backoff when connected. */
    double currentBackoffSeconds() {
        return backoff.current();
    }

    private void attempt() {
        nextAttempt = null;
        if (!running || session != null) {
            return;
        }
        int broker = round.broker();
        PahoSession attempt = null;
        try {
            attempt = open(broker, true);
            session = attempt;
            sessionConnected = false;
            LOG.info("event=connecting connection={} broker={} client_id={}", LogValue.of(name()),
                    LogValue.of(attempt.uri()), LogValue.of(settings.clientId()));
            attempt.connect();
        } catch (Exception e) {
            // Whatever fails in an attempt (Paho refusing a URI, a key file Bouncy Castle cannot decode) is a failed
            // attempt, reported and retried by the backoff: never the end of the reconnect loop. An Error is not
            // caught: a dying thread must show.
            onConnectFailed(attempt, e);
        }
    }

    /**
     * A session to the broker at {@code broker} of broker.uris, not yet connecting, whose connect ends in a failure
     * if the broker has not answered (TCP, TLS, CONNACK) within its connect timeout: Paho itself waits for ever
     * for a CONNACK from a broker that accepted the TCP connection and went silent.
     *
     * @param warn whether to log what is unsafe in the settings (once per attempt, not at every fail-back probe)
     */
    private PahoSession open(int broker, boolean warn) throws Exception {
        ConnectionSettings resolved = secrets.resolve(settings); // for this attempt only
        TlsContext tls = resolved.useTls() ? TlsContext.build(resolved, java.time.Clock.systemUTC()) : null;
        PahoSession opened = new PahoSession(resolved, broker, tls, events, new ReceivedQos2(received, name()), pings);
        if (warn) {
            warnAboutTls(tls);
        }
        int seconds = settings.connectTimeout(broker);
        String setting = seconds == settings.connectTimeout() ? "connect.timeout" : "failover.connect.timeout";
        opened.watchdog(lifecycle.schedule(() -> {
            if ((opened == session && !sessionConnected) || opened == probe) {
                onConnectFailed(opened, new TimeoutException("no answer (TCP, TLS, CONNACK) from " + opened.uri()
                        + " within " + seconds + " s (" + setting + ")"));
            }
        }, seconds, TimeUnit.SECONDS));
        return opened;
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

    /** On Paho's thread: the session has its CONNACK. */
    void connected(PahoSession s, boolean sessionPresent) {
        lifecycle.execute(() -> {
            PahoSession left = null;
            if (s == probe) {
                left = failBack(s);
            } else if (s != session) {
                s.close();
                return;
            }
            sessionConnected = true;
            round.restart();
            backoff.reset();
            if (everConnected) {
                counters.reconnects.increment();
            }
            everConnected = true;
            String broker = s.uri();
            LOG.info("event=connected connection={} broker={} client_id={} session_present={}", LogValue.of(name()),
                    LogValue.of(broker), LogValue.of(settings.clientId()), sessionPresent);
            EventLine.info(EVENTS, "connection_established", "connection", name(), "broker", broker,
                    "session_present", sessionPresent);
            subscriptions.sessionStarted(s); // here, not in Paho's callback: subscribing there deadlocks (#985)
            drain.start(s);
            scheduleFailback();
            if (left != null) { // after the new session took over: its acknowledgements may still come meanwhile
                left.disconnect();
                LOG.info("event=failed_back connection={} from={} to={}", LogValue.of(name()),
                        LogValue.of(left.uri()), LogValue.of(s.uri()));
            }
        });
    }

    /**
     * The first broker answered a fail-back probe: its session becomes the connection's. The session on the later
     * broker is taken back from the router and the subscriptions here; the caller disconnects it cleanly once the
     * new one has taken over (its unacknowledged messages are re-sent on the new one).
     *
     * @return the session left, or null
     */
    private PahoSession failBack(PahoSession first) {
        probe = null;
        PahoSession left = session;
        session = first;
        if (left != null) {
            router.sessionEnded(left);
            subscriptions.sessionEnded(left);
        }
        return left;
    }

    /** While connected to a later broker of the list, tries the first one at the fail-back interval. */
    private void scheduleFailback() {
        cancelFailback();
        PahoSession s = session;
        if (running && s != null && sessionConnected && s.broker() > 0 && settings.failsBack()) {
            long millis = Math.round(settings.failbackSeconds() * 1000);
            failback = lifecycle.scheduleWithFixedDelay(this::probeFirstBroker, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void cancelFailback() {
        if (failback != null) {
            failback.cancel(false);
            failback = null;
        }
    }

    private void probeFirstBroker() {
        if (probe != null || session == null || !sessionConnected || session.broker() == 0) {
            return;
        }
        PahoSession opened = null;
        try {
            opened = open(0, false);
            probe = opened;
            LOG.info("event=failback_probe connection={} broker={}", LogValue.of(name()),
                    LogValue.of(settings.brokerUris().get(0)));
            opened.connect();
        } catch (Exception e) {
            probe = opened;
            onProbeFailed(opened, e);
        }
    }

    /** @param s the probe, or null if it failed before there was one */
    private void onProbeFailed(PahoSession s, Throwable cause) {
        probe = null;
        if (s != null) {
            s.close();
        }
        LOG.info("event=failback_probe_failed connection={} broker={} reason={}: staying on {}", LogValue.of(name()),
                LogValue.of(settings.brokerUris().get(0)), LogValue.of(ConnectFailure.of(cause, settings).reason()),
                LogValue.of(session == null ? "(none)" : session.uri()));
    }

    /** On Paho's thread: the session's connect failed. */
    void connectFailed(PahoSession s, Throwable cause) {
        lifecycle.execute(() -> onConnectFailed(s, cause));
    }

    private void onConnectFailed(PahoSession s, Throwable cause) {
        if (s != null && s == probe) {
            onProbeFailed(s, cause);
            return;
        }
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
        String broker = s != null ? s.uri() : settings.brokerUris().get(round.broker());
        // a failure before any session (a TLS file that cannot be read) would fail at every broker alike
        if (s != null && round.next(failure.refused(), settings.brokerUris().size())) {
            LOG.warn("event=connect_failed connection={} broker={} refused={} reason={} next_broker={}",
                    LogValue.of(name()), LogValue.of(broker), failure.refused(), LogValue.of(failure.reason()),
                    LogValue.of(settings.brokerUris().get(round.broker())));
            attempt();
            return;
        }
        boolean refused = round.restart() && failure.refused();
        double delay = refused ? backoff.afterRefusal() : backoff.afterFailure();
        LOG.warn("event=connect_failed connection={} broker={} refused={} reason={} retry_in_seconds={}",
                LogValue.of(name()), LogValue.of(broker), failure.refused(), LogValue.of(failure.reason()),
                String.format("%.2f", delay));
        scheduleAttempt(delay);
    }

    /** On Paho's thread: the connected session was lost. */
    void lost(PahoSession s, Throwable cause) {
        if (s != probe) { // a probe lost before it became the session never was one
            router.sessionEnded(s);
            subscriptions.sessionEnded(s);
        }
        lifecycle.execute(() -> {
            if (s == probe) {
                probe = null;
                s.close();
                return;
            }
            if (s != session) {
                return;
            }
            router.sessionEnded(s); // again: it may have become the session since (fail-back)
            subscriptions.sessionEnded(s);
            session = null;
            s.close();
            cancelFailback();
            round.restart();
            EventLine.warn(EVENTS, "connection_lost", "connection", name(), "reason", String.valueOf(cause));
            if (probe != null) { // a fail-back probe is connecting to the first broker: it is the next attempt
                session = probe;
                probe = null;
                sessionConnected = false;
                LOG.warn("event=connection_lost connection={} broker={} reason={} next_broker={}",
                        LogValue.of(name()), LogValue.of(s.uri()),
                        LogValue.of(cause == null ? "unknown" : cause.toString()), LogValue.of(session.uri()));
                return;
            }
            double delay = backoff.afterFailure();
            LOG.warn("event=connection_lost connection={} broker={} reason={} retry_in_seconds={}",
                    LogValue.of(name()), LogValue.of(s.uri()),
                    LogValue.of(cause == null ? "unknown" : cause.toString()), String.format("%.2f", delay));
            scheduleAttempt(delay);
        });
    }

    private void scheduleAttempt(double delaySeconds) {
        if (running) {
            nextAttempt = lifecycle.schedule(this::attempt, Math.round(delaySeconds * 1000), TimeUnit.MILLISECONDS);
        }
    }
}
