package io.robmqtt.client;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.store.Enqueued;
import io.robmqtt.api.store.InflightStore;
import io.robmqtt.api.store.OfflineQueue;
import io.robmqtt.api.store.StoredMessage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The way of each accepted message into its connection: straight to the broker while the connection is live
 * (recorded inflight, then sent), else into the offline queue for the {@link Drain}, as the {@link Router}
 * decides. Every accepted message gets a {@link Delivery} handle. Runs on the publishing threads.
 */
final class PublishPath {
    private final String name;
    private final OfflineQueue queue;
    private final InflightStore inflight;
    private final Router<PahoSession> router;
    private final Drain drain;
    private final DeliveryHandles handles;
    private final ConnectionCounters counters;

    PublishPath(String name, OfflineQueue queue, InflightStore inflight, Router<PahoSession> router, Drain drain,
            DeliveryHandles handles, ConnectionCounters counters) {
        this.name = name;
        this.queue = queue;
        this.inflight = inflight;
        this.router = router;
        this.drain = drain;
        this.handles = handles;
        this.counters = counters;
    }

    /** Stores the message durably, then sends it at once when live; returns after the store's commit. */
    Delivery publish(OutgoingMessage message) {
        Enqueued enqueued;
        try (Router.Route<PahoSession> route = router.route()) {
            if (route instanceof Router.Direct<PahoSession> direct) {
                return sendNow(direct.session(), message);
            }
            enqueued = enqueue(message);
        }
        return queued(enqueued, message);
    }

    /**
     * Queues the message without waiting for the disk; the drain sends it. Every asynchronous message takes the
     * queue, so that many in a row share fsyncs and keep their order behind earlier ones.
     */
    CompletionStage<Delivery> publishAsync(OutgoingMessage message) {
        Router.Queued<PahoSession> route = router.queue();
        CompletionStage<Enqueued> stored;
        try {
            stored = queue.enqueueAsync(name, message);
        } catch (RuntimeException e) {
            route.close();
            throw e;
        }
        return stored.handle((enqueued, failure) -> {
            route.close();
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof QueueFullException) {
                    counters.rejected.increment();
                }
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            return queued(enqueued, message);
        });
    }

    /** Records the message inflight and sends it on the live session, whose window permit the route took. */
    private Delivery sendNow(PahoSession session, OutgoingMessage message) {
        StoredMessage stored;
        try {
            stored = inflight.add(name, message);
        } catch (RuntimeException e) {
            session.window().release();
            throw e;
        }
        Delivery delivery = handles.track(stored.sequence());
        counters.published.increment();
        if (!session.send(stored)) {
            drain.resendNeeded(); // the session died under us: the record waits for the next re-send
        }
        return delivery;
    }

    private Enqueued enqueue(OutgoingMessage message) {
        try {
            return queue.enqueue(name, message);
        } catch (QueueFullException e) {
            counters.rejected.increment();
            throw e;
        }
    }

    private Delivery queued(Enqueued enqueued, OutgoingMessage message) {
        Delivery delivery = handles.track(enqueued.stored().sequence());
        counters.published.increment();
        counters.queued.increment();
        for (StoredMessage victim : enqueued.evicted()) {
            counters.evicted.increment();
            handles.evicted(victim, message.priority());
        }
        drain.kick();
        return delivery;
    }
}
