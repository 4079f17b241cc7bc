package io.robmqtt.client;

import io.robmqtt.api.MessageListener;
import io.robmqtt.api.Subscription;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's subscriptions: which listeners want which filters, what the broker must be subscribed to (each
 * filter once, at the highest QoS any of its listeners asked for), and dispatch of arriving messages to the
 * listeners whose filters match, off the network thread. A message is acknowledged when all of them returned.
 */
final class Subscriptions {
    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    private record Registration(TopicFilter filter, int qos, ListenerLane lane) {}

    private final String connection;
    private final ExecutorService pool;
    private final ConnectionCounters counters;
    private final List<Registration> registrations = new ArrayList<>();
    private final Map<MessageListener, ListenerLane> lanes = new IdentityHashMap<>();
    /** Broker filter to the QoS it is subscribed with. */
    private final Map<String, Integer> subscribed = new LinkedHashMap<>();
    private PahoSession session;

    Subscriptions(String connection, ExecutorService pool, ConnectionCounters counters) {
        this.connection = connection;
        this.pool = pool;
        this.counters = counters;
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
            ListenerLane lane = lanes.computeIfAbsent(listener, l -> new ListenerLane(l, pool));
            registration = new Registration(parsed, qos, lane);
            registrations.add(registration);
            refresh(parsed.subscribed());
        }
        LOG.info("event=subscribed connection={} filter={} qos={} listener={}", connection, filter, qos,
                registration.lane().owner());
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

    private synchronized void remove(Registration registration) {
        registrations.remove(registration);
        if (registrations.stream().noneMatch(r -> r.lane() == registration.lane())) {
            lanes.remove(registration.lane().listener());
            registration.lane().close();
        }
        refresh(registration.filter().subscribed());
        LOG.info("event=unsubscribed connection={} filter={} listener={}", connection,
                registration.filter().subscribed(), registration.lane().owner());
    }

    /** Brings the broker's subscription to one filter in line with the listeners that want it. */
    private void refresh(String filter) {
        int wanted = registrations.stream().filter(r -> r.filter().subscribed().equals(filter))
                .mapToInt(Registration::qos).max().orElse(-1);
        Integer current = subscribed.get(filter);
        if (wanted < 0) {
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
    synchronized void sessionStarted(PahoSession s) {
        session = s;
        subscribed.forEach(s::subscribe);
        if (!subscribed.isEmpty()) {
            LOG.info("event=resubscribed connection={} filters={}", connection, subscribed.keySet());
        }
    }

    synchronized void sessionEnded(PahoSession s) {
        if (session == s) {
            session = null;
        }
    }

    synchronized int active() {
        return subscribed.size();
    }

    /** On Paho's thread: hands the message to each matching listener once, and acknowledges it after them all. */
    void dispatch(PahoSession s, String topic, MqttMessage message) {
        counters.received.increment();
        List<ListenerLane> targets = new ArrayList<>();
        synchronized (this) {
            for (Registration r : registrations) {
                if (r.filter().matches(topic) && !targets.contains(r.lane())) {
                    targets.add(r.lane());
                }
            }
        }
        if (targets.isEmpty()) {
            s.ack(message);
            return;
        }
        AtomicInteger remaining = new AtomicInteger(targets.size());
        for (ListenerLane lane : targets) {
            lane.submit(() -> {
                try {
                    if (lane.closed()) {
                        return; // unsubscribed meanwhile; acknowledged all the same, below
                    }
                    lane.listener().messageArrived(topic, message.getPayload(), message.getQos(), message.isRetained());
                } catch (Exception | LinkageError e) {
                    counters.listenerFailures.increment();
                    LOG.warn("event=listener_failed connection={} topic={} listener={} reason=\"{}\": the message is "
                            + "acknowledged all the same", connection, topic, lane.owner(), e.toString(), e);
                } finally {
                    if (remaining.decrementAndGet() == 0) {
                        s.ack(message);
                    }
                }
            });
        }
    }
}
