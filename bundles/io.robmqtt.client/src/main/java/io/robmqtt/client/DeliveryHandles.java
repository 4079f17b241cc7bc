package io.robmqtt.client;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.MessageEvictedException;
import io.robmqtt.api.MessageExpiredException;
import io.robmqtt.api.store.StoredMessage;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The {@link Delivery} handles of messages accepted in this run, by sequence, until each message's outcome is
 * known; the heap they take does not grow with the offline queue.
 *
 * <p>A handle nobody holds costs nothing: the record of it is weak, and is forgotten once its holder dropped it
 * and the garbage collector cleared it. A handle's completion stage is made only when {@link Delivery#completion}
 * is first called; from then on the record holds the handle strongly until the outcome comes, because whoever
 * asked may hold only a stage that depends on it.
 *
 * <p>A queued message can be drained, sent and acknowledged before the thread that published it has registered
 * its handle. An outcome for a sequence nobody tracks is therefore kept for a while, at most
 * {@value #MAX_UNCLAIMED} of them and for at most 10 s, and a late {@link #track} completes at once. Outcomes of
 * messages whose handles were dropped, or that were stored in an earlier run, pass through that bounded memory.
 */
final class DeliveryHandles {
    private static final long KEEP_UNCLAIMED_NANOS = 10_000_000_000L;
    /** The most outcomes kept for sequences nobody tracks: bounds the memory of a fast drain. */
    static final int MAX_UNCLAIMED = 10_000;
    /** The outcome of a message the broker acknowledged. */
    private static final Object DELIVERED = new Object();

    private final Map<Long, Record> pending = new HashMap<>();
    private final ReferenceQueue<Handle> dropped = new ReferenceQueue<>();
    /** Outcomes nobody claimed yet, oldest first: {@link #DELIVERED}, or the failure. */
    private final LinkedHashMap<Long, Unclaimed> unclaimed = new LinkedHashMap<>();
    private final LongSupplier nanoTime;

    DeliveryHandles(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Creates the handle of a newly stored message. */
    Delivery track(long sequence) {
        Handle handle = new Handle(sequence, this);
        Unclaimed early;
        synchronized (this) {
            forgetDropped();
            early = unclaimed.remove(sequence);
            if (early == null) {
                pending.put(sequence, new Record(handle, dropped));
            }
        }
        if (early != null) {
            handle.settle(early.outcome());
        }
        return handle;
    }

    void delivered(long sequence) {
        settle(sequence, DELIVERED);
    }

    void evicted(StoredMessage victim, int forPriority) {
        settle(victim.sequence(), new MessageEvictedException("message " + victim.sequence() + " on topic '"
                + victim.message().topic() + "' with priority " + victim.message().priority()
                + " was evicted from the full offline queue for a message of priority " + forPriority));
    }

    /** The message waited past its expiry, its own or else {@code connectionExpiry}, and was removed unsent. */
    void expired(StoredMessage message, Duration connectionExpiry) {
        Duration expiry = message.message().expiry().isZero() ? connectionExpiry : message.message().expiry();
        settle(message.sequence(), new MessageExpiredException("message " + message.sequence() + " on topic '"
                + message.message().topic() + "', accepted at " + Instant.ofEpochMilli(message.storedAtMillis())
                + ", waited longer than its expiry of " + expiry.toMillis() / 1000.0 + " s and was not sent"));
    }

    /** Handles recorded: those not yet forgotten whose outcome has not come. */
    synchronized int size() {
        forgetDropped();
        return pending.size();
    }

    /** Outcomes kept for sequences nobody tracks. */
    synchronized int unclaimed() {
        return unclaimed.size();
    }

    /** Someone asked for the handle's completion: its record keeps it until the outcome comes. */
    private synchronized void watched(Handle handle) {
        Record record = pending.get(handle.sequence);
        if (record != null && record.get() == handle) {
            record.watched = handle;
        }
    }

    private void settle(long sequence, Object outcome) {
        Handle handle = null;
        synchronized (this) {
            forgetDropped();
            Record record = pending.remove(sequence);
            if (record != null) {
                handle = record.get();
                record.watched = null;
            } else {
                keepUnclaimed(sequence, outcome);
            }
        }
        if (handle != null) {
            handle.settle(outcome); // outside the lock: a caller's dependent stages run here
        }
    }

    private void keepUnclaimed(long sequence, Object outcome) {
        long now = nanoTime.getAsLong();
        unclaimed.put(sequence, new Unclaimed(now, outcome));
        for (Iterator<Unclaimed> it = unclaimed.values().iterator(); it.hasNext(); ) {
            Unclaimed oldest = it.next();
            if (unclaimed.size() <= MAX_UNCLAIMED && now - oldest.at() <= KEEP_UNCLAIMED_NANOS) {
                break;
            }
            it.remove();
        }
    }

    /** Removes the records of handles their holders dropped and the garbage collector cleared. */
    private void forgetDropped() {
        for (Object cleared; (cleared = dropped.poll()) != null; ) {
            Record record = (Record) cleared;
            pending.remove(record.sequence, record);
        }
    }

    private record Unclaimed(long at, Object outcome) {}

    /** A weak record of a handle; strong once the handle is watched. */
    private static final class Record extends WeakReference<Handle> {
        final long sequence;
        /** The handle itself once someone asked for its completion, else null. */
        Handle watched;

        Record(Handle handle, ReferenceQueue<Handle> queue) {
            super(handle, queue);
            this.sequence = handle.sequence;
        }
    }

    private static final class Handle implements Delivery {
        private final long sequence;
        private final DeliveryHandles handles;
        /** Null while pending, then {@link #DELIVERED} or the failure. */
        private Object outcome;
        private CompletableFuture<Void> future;

        Handle(long sequence, DeliveryHandles handles) {
            this.sequence = sequence;
            this.handles = handles;
        }

        @Override
        public long sequence() {
            return sequence;
        }

        @Override
        public CompletionStage<Void> completion() {
            CompletableFuture<Void> stage;
            Object known;
            synchronized (this) {
                if (future == null) {
                    future = new CompletableFuture<>();
                    if (outcome == null) {
                        handles.watched(this);
                    }
                }
                stage = future;
                known = outcome;
            }
            if (known != null) {
                complete(stage, known);
            }
            return stage.minimalCompletionStage();
        }

        void settle(Object result) {
            CompletableFuture<Void> stage;
            synchronized (this) {
                if (outcome != null) {
                    return;
                }
                outcome = result;
                stage = future;
            }
            if (stage != null) {
                complete(stage, result);
            }
        }

        private static void complete(CompletableFuture<Void> stage, Object outcome) {
            if (outcome == DELIVERED) {
                stage.complete(null);
            } else {
                stage.completeExceptionally((Throwable) outcome);
            }
        }
    }
}
