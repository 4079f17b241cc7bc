package io.robmqtt.client;

import io.robmqtt.api.MessageListener;
import io.robmqtt.api.Subscription;
import io.robmqtt.common.LogValue;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's subscriptions: which listeners want which filters, what the broker must be subscribed to (each
 * filter once, at the highest QoS any of its listeners asked for), and the dispatch of arriving messages to the
 * listeners whose filters match, off the network thread.
 *
 * <p>A QoS 1 or 2 message is acknowledged only once a listener has taken it: when every listener it was handed to
 * has returned (or thrown), at least one having run it. A message that no registered listener matches is held
 * unacknowledged, in arrival order, while a listener may still come for it: for {@code listener.wait.seconds}
 * after start-up (listeners of other bundles register after the connection is up, while the broker already sends
 * what it kept for a persistent session), and for as long after a filter's last listener went away (a bundle
 * being updated). The broker subscription of such a filter is kept meanwhile. A listener that registers gets the
 * held messages that match it before anything that arrives later. When the wait ends, the filter is unsubscribed,
 * and the messages nobody claimed are acknowledged and dropped, logged once per filter with their count and
 * counted as dropped with the reason {@value #NO_LISTENER}. Messages of a listener that goes away before running
 * them go back to the same rule. QoS 0 messages are never held.
 */
final class Subscriptions {
    /** The reason under which messages that no listener claimed are counted as dropped. */
    static final String NO_LISTENER = "no_listener";
    /** The reason under which QoS 0 messages beyond a listener's capacity are counted as dropped. */
    static final String LANE_FULL = "lane_full";
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private record Registration(TopicFilter filter, int qos, ListenerLane lane) {}

    /** A filter whose last listener went away: still subscribed, its messages held until {@code until}. */
    private record Unclaimed(TopicFilter filter, long until) {}

    private final String connection;
    private final Executor pool;
    private final ConnectionCounters counters;
    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final DoubleSupplier waitSeconds;
    private final IntSupplier capacity;
    private final List<Registration> registrations = new ArrayList<>();
    private final Map<MessageListener, ListenerLane> lanes = new IdentityHashMap<>();
    /** Broker filter to the QoS it is subscribed with. */
    private final Map<String, Integer> subscribed = new LinkedHashMap<>();
    private final Map<String, Unclaimed> unclaimed = new LinkedHashMap<>();
    /** Messages no listener has claimed yet, in arrival order. */
    private final List<Inbound> held = new ArrayList<>();
    private final UnclaimedDrops drops;
    /** Until when messages that match no filter at all are held, for listeners that register after start-up. */
    private final long startupUntil;
    private BrokerLink session;
    /** The session that ended last: what still arrives from it, or comes back from a lane, is not held. */
    private BrokerLink ended;
    private ScheduledFuture<?> sweep;
    /** When the scheduled sweep runs (the clock's nanoseconds). */
    private long sweepAt;

    /**
     * @param timer runs the end of each wait
     * @param waitSeconds how long unclaimed messages are held ({@code listener.wait.seconds}), read at each use
     * @param capacity how many messages may wait for one listener ({@code listener.capacity}): QoS 0 beyond it is
     *     dropped; QoS 1 and 2 wait unacknowledged, so the broker's inflight window bounds them
     */
    Subscriptions(String connection, Executor pool, ConnectionCounters counters, ScheduledExecutorService timer,
            LongSupplier nanoTime, DoubleSupplier waitSeconds, IntSupplier capacity) {
        this.connection = connection;
        this.pool = pool;
        this.counters = counters;
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.waitSeconds = waitSeconds;
        this.capacity = capacity;
        this.drops = new UnclaimedDrops(connection, counters);
        this.startupUntil = nanoTime.getAsLong() + waitNanos();
    }

    Subscription add(String filter, MessageListener listener, int qos) {
        TopicFilter parsed = TopicFilter.parse(filter);
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos is " + qos + "; a subscription's QoS must be 0, 1 or 2");
        }
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null");
        }
        Registration registration;
        synchronized (this) {
            ListenerLane lane = lanes.computeIfAbsent(listener, l -> new ListenerLane(l, pool, this::deliver));
            registration = new Registration(parsed, qos, lane);
            registrations.add(registration);
            unclaimed.remove(parsed.subscribed());
            refresh(parsed.subscribed());
            routeHeld(); // before anything that arrives later, so the listener gets them in order
        }
        LOG.info("event=subscribed connection={} filter={} qos={} listener={}", LogValue.of(connection),
                LogValue.of(filter), qos, LogValue.of(registration.lane().owner()));
        AtomicBoolean closed = new AtomicBoolean();
        return new Subscription() {
            @Override
            public String filter() {
                return filter;
            }

            @Override
            public void close() {
                if (closed.compareAndSet(false, true)) {
                    remove(registration);
                }
            }
        };
    }

    private void remove(Registration registration) {
        String filter = registration.filter().subscribed();
        List<Inbound> unrouted = new ArrayList<>();
        boolean waits;
        synchronized (this) {
            registrations.remove(registration);
            List<Inbound> returned = List.of();
            if (registrations.stream().noneMatch(r -> r.lane() == registration.lane())) {
                lanes.remove(registration.lane().listener());
                returned = registration.lane().close();
            }
            waits = registrations.stream().noneMatch(r -> r.filter().subscribed().equals(filter)) && waitNanos() > 0;
            if (waits) {
                unclaimed.put(filter, new Unclaimed(registration.filter(), nanoTime.getAsLong() + waitNanos()));
                scheduleSweep();
            }
            refresh(filter);
            for (Inbound inbound : returned) {
                if (inbound.done()) {
                    finish(inbound, unrouted);
                }
            }
        }
        unrouted.forEach(inbound -> drops.drop(inbound, true));
        LOG.info("event=unsubscribed connection={} filter={} listener={}{}", LogValue.of(connection),
                LogValue.of(filter), LogValue.of(registration.lane().owner()),
                waits ? " broker_subscription_kept_seconds=" + waitSeconds.getAsDouble()
                        : "");
    }

    /** Brings the broker's subscription to one filter in line with the listeners that want it. */
    private void refresh(String filter) {
        int wanted = registrations.stream().filter(r -> r.filter().subscribed().equals(filter))
                .mapToInt(Registration::qos).max().orElse(-1);
        Integer current = subscribed.get(filter);
        if (wanted < 0) {
            if (unclaimed.containsKey(filter)) {
                return; // kept while a listener may come back for it
            }
            subscribed.remove(filter);
            if (current != null && session != null) {
                session.unsubscribe(filter);
            }
        } else if (current == null || current != wanted) {
            subscribed.put(filter, wanted);
            if (session != null) {
                session.subscribe(filter, wanted);
            }
        }
    }

    /** A new session: every filter is subscribed again (cheap and safe even when the broker kept the session). */
    synchronized void sessionStarted(BrokerLink s) {
        session = s;
        subscribed.forEach(s::subscribe);
        if (!subscribed.isEmpty()) {
            LOG.info("event=resubscribed connection={} filters={}", LogValue.of(connection),
                    LogValue.of(subscribed.keySet()));
        }
    }

    /** Messages held from an ended session are gone with it: the broker sends them again in the next one. */
    synchronized void sessionEnded(BrokerLink s) {
        if (session == s) {
            session = null;
        }
        ended = s;
        held.removeIf(inbound -> inbound.session == s);
    }

    synchronized int active() {
        return subscribed.size();
    }

    /** Messages held now, waiting for a listener. */
    synchronized int held() {
        return held.size();
    }

    /** On Paho's thread: hands the message to each matching listener once, or holds it, or drops it. */
    void dispatch(BrokerLink s, String topic, MqttMessage message) {
        counters.received.increment();
        Inbound inbound = new Inbound(s, topic, message);
        boolean routed;
        synchronized (this) {
            routed = route(inbound);
        }
        if (!routed) {
            drops.drop(inbound, true);
        }
    }

    /** Hands the message to the listeners it matches, or holds it; false when it must be dropped. */
    private boolean route(Inbound inbound) {
        List<ListenerLane> targets = lanesFor(inbound.topic);
        if (!targets.isEmpty() && inbound.message.getQos() == 0) {
            int before = targets.size();
            int limit = capacity.getAsInt();
            targets.removeIf(lane -> lane.waiting() >= limit); // an unbounded flood of QoS 0 must not fill the heap
            if (targets.size() < before) {
                counters.droppedLaneFull.add(before - targets.size());
                if (targets.isEmpty()) {
                    return true; // dropped for every listener, and counted; QoS 0 needs no acknowledgement
                }
            }
        }
        if (!targets.isEmpty()) {
            inbound.handedTo(targets.size());
            targets.forEach(lane -> lane.submit(inbound)); // queued only: listeners run on the pool, unlocked
            return true;
        }
        if (inbound.session == ended) {
            return true; // its session ended: the broker sends it again in the next one
        }
        if (inbound.message.getQos() > 0 && waiting(inbound.topic, nanoTime.getAsLong())) {
            held.add(inbound);
            scheduleSweep();
            return true;
        }
        return false;
    }

    private List<ListenerLane> lanesFor(String topic) {
        List<ListenerLane> targets = new ArrayList<>();
        for (Registration r : registrations) {
            if (r.filter().matches(topic) && !targets.contains(r.lane())) {
                targets.add(r.lane());
            }
        }
        return targets;
    }

    /** Whether a listener may still come for a message on this topic. */
    private boolean waiting(String topic, long now) {
        if (now - startupUntil < 0) {
            return true;
        }
        for (Unclaimed u : unclaimed.values()) {
            if (u.until() - now > 0 && u.filter().matches(topic)) {
                return true;
            }
        }
        return false;
    }

    /** Hands held messages that now have a listener to it, in arrival order. */
    private void routeHeld() {
        for (Iterator<Inbound> it = held.iterator(); it.hasNext(); ) {
            Inbound inbound = it.next();
            List<ListenerLane> targets = lanesFor(inbound.topic);
            if (!targets.isEmpty()) {
                it.remove();
                inbound.handedTo(targets.size());
                targets.forEach(lane -> lane.submit(inbound));
            }
        }
    }

    /** On the pool's thread: runs one message of a lane. */
    private void deliver(ListenerLane lane, Inbound inbound) {
        try {
            lane.listener().messageArrived(inbound.topic, inbound.message.getPayload(), inbound.message.getQos(),
                    inbound.message.isRetained());
        } catch (Exception | LinkageError e) {
            counters.listenerFailures.increment();
            LOG.warn("event=listener_failed connection={} topic={} listener={} reason={}: the message is "
                    + "acknowledged all the same", LogValue.of(connection), LogValue.of(inbound.topic),
                    LogValue.of(lane.owner()), LogValue.of(e.toString()), e);
        } finally {
            // taken, even by a listener that threw an Error (which goes on to end this thread): not redelivered
            inbound.taken();
            if (inbound.done()) {
                inbound.session.ack(inbound.message);
            }
        }
    }

    /** A message every listener is done with: acknowledged if one took it, else routed again or to be dropped. */
    private void finish(Inbound inbound, List<Inbound> unrouted) {
        if (inbound.wasTaken()) {
            inbound.session.ack(inbound.message);
        } else if (!route(inbound)) {
            unrouted.add(inbound);
        }
    }

    /** Ends the waits that are over: unsubscribes their filters and drops what nobody claimed. */
    void sweep() {
        Map<String, Integer> released = new LinkedHashMap<>();
        List<Inbound> dropped = new ArrayList<>();
        List<Unclaimed> ended = new ArrayList<>();
        synchronized (this) {
            sweep = null;
            long now = nanoTime.getAsLong();
            for (Iterator<Unclaimed> it = unclaimed.values().iterator(); it.hasNext(); ) {
                Unclaimed u = it.next();
                if (u.until() - now <= 0) {
                    it.remove();
                    ended.add(u);
                    released.put(u.filter().subscribed(), 0);
                    refresh(u.filter().subscribed());
                }
            }
            for (Iterator<Inbound> it = held.iterator(); it.hasNext(); ) {
                Inbound inbound = it.next();
                if (!waiting(inbound.topic, now)) {
                    it.remove();
                    dropped.add(inbound);
                    ended.stream().filter(u -> u.filter().matches(inbound.topic)).findFirst()
                            .ifPresent(u -> released.merge(u.filter().subscribed(), 1, Integer::sum));
                }
            }
            scheduleSweep();
        }
        released.forEach((filter, count) -> LOG.warn("event=filter_released connection={} filter={} dropped={} "
                + "reason=no_listener: no listener registered for it within {} s; the filter is unsubscribed",
                LogValue.of(connection), LogValue.of(filter), count, waitSeconds.getAsDouble()));
        for (Inbound inbound : dropped) {
            boolean ofReleasedFilter = ended.stream().anyMatch(u -> u.filter().matches(inbound.topic));
            drops.drop(inbound, !ofReleasedFilter);
        }
    }

    /** Makes sure a sweep runs when the earliest wait ends; called with the lock held. */
    private void scheduleSweep() {
        long now = nanoTime.getAsLong();
        long next = Long.MAX_VALUE;
        if (!held.isEmpty() && startupUntil - now > 0) {
            next = startupUntil - now;
        }
        for (Unclaimed u : unclaimed.values()) {
            next = Math.min(next, Math.max(0, u.until() - now));
        }
        if (!held.isEmpty() && next == Long.MAX_VALUE) {
            next = 0; // held messages whose wait is over
        }
        if (next == Long.MAX_VALUE || (sweep != null && sweepAt - (now + next) <= 0)) {
            return; // nothing to wait for, or a sweep comes soon enough
        }
        if (sweep != null) {
            sweep.cancel(false);
        }
        try {
            sweepAt = now + next;
            sweep = timer.schedule(this::sweep, next, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the connection is shutting down: held messages are not acknowledged, the broker keeps them
        }
    }

    private long waitNanos() {
        return Math.round(waitSeconds.getAsDouble() * 1e9);
    }
}
