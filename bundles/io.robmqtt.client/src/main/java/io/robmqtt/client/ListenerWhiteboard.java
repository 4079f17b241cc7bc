package io.robmqtt.client;

import io.robmqtt.api.MessageListener;
import io.robmqtt.api.Subscription;
import io.robmqtt.common.LogValue;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.util.converter.Converters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Subscribes whiteboard {@link MessageListener} services by their properties, and unsubscribes them when they go. */
final class ListenerWhiteboard {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerWhiteboard.class);

    private final Subscriptions subscriptions;
    private final Map<MessageListener, List<Subscription>> byListener = new IdentityHashMap<>();

    ListenerWhiteboard(Subscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    void add(MessageListener listener, Map<String, Object> properties, String connectionName) {
        Object target = properties.get(MessageListener.CONNECTION);
        if (target != null && !String.valueOf(target).equals(connectionName)) {
            return;
        }
        String[] filters = Converters.standardConverter().convert(properties.get(MessageListener.FILTER))
                .to(String[].class);
        int qos = Converters.standardConverter().convert(properties.get(MessageListener.QOS))
                .defaultValue(MessageListener.DEFAULT_QOS).to(int.class);
        List<Subscription> made = new ArrayList<>();
        for (String filter : filters) {
            try {
                made.add(subscriptions.add(filter, listener, qos));
            } catch (IllegalArgumentException e) {
                LOG.error("event=listener_refused connection={} service.id={} reason={}", LogValue.of(connectionName),
                        LogValue.of(properties.get("service.id")), LogValue.of(e.getMessage()));
            }
        }
        synchronized (this) {
            byListener.put(listener, made);
        }
    }

    void remove(MessageListener listener) {
        List<Subscription> made;
        synchronized (this) {
            made = byListener.remove(listener);
        }
        if (made != null) {
            made.forEach(Subscription::close);
        }
    }
}
