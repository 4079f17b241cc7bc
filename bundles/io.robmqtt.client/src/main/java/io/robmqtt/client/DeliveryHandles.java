package io.robmqtt.client;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.MessageEvictedException;
import io.robmqtt.api.store.StoredMessage;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The {@link Delivery} handles of messages accepted in this run, by sequence, until each completes.
 *
 * <p>A queued message can be drained, sent and acknowledged before the thread that published it has
 * registered its handle. An outcome for a sequence nobody tracks is therefore kept for a while, and a late
 * {@link #track} completes at once. Outcomes of messages from earlier runs, which never get a handle, age out.
 */
final class DeliveryHandles {
    private static final long KEEP_UNCLAIMED_NANOS = 10_000_000_000L;

    private final Map<Long, CompletableFuture<Void>> pending = new HashMap<>();
    /** Outcomes nobody claimed yet, oldest first: null for delivered, else the failure. */
    private final LinkedHashMap<Long, Unclaimed> unclaimed = new LinkedHashMap<>();
    private final LongSupplier nanoTime;

    DeliveryHandles(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Creates the handle of a newly stored message. */
    Delivery track(long sequence) {
        CompletableFuture<Void> completion = new CompletableFuture<>();
        Unclaimed early;
        synchronized (this) {
            early = unclaimed.remove(sequence);
            if (early == null) {
                pending.put(sequence, completion);
            }
        }
        if (early != null) {
            settle(completion, early.failure());
        }
        return new Handle(sequence, completion);
    }

    void delivered(long sequence) {
        settle(sequence, null);
    }

    void evicted(StoredMessage victim, int forPriority) {
        settle(victim.sequence(), new MessageEvictedException("message " + victim.sequence() + " on topic '"
                + victim.message().topic() + "' with priority " + victim.message().priority()
                + " was evicted from the full offline queue for a message of priority " + forPriority));
    }

    synchronized int size() {
        return pending.size();
    }

    private void settle(long sequence, RuntimeException failure) {
        CompletableFuture<Void> completion;
        synchronized (this) {
            completion = pending.remove(sequence);
            if (completion == null) {
                long now = nanoTime.getAsLong();
                unclaimed.put(sequence, new Unclaimed(now, failure));
                for (Iterator<Unclaimed> it = unclaimed.values().iterator();
                        it.hasNext() && now - it.next().at() > KEEP_UNCLAIMED_NANOS; ) {
                    it.remove();
                }
            }
        }
        if (completion != null) {
            settle(completion, failure);
        }
    }

    /** Completes outside the lock: a caller's dependent stages run here. */
    private static void settle(CompletableFuture<Void> completion, RuntimeException failure) {
        if (failure == null) {
            completion.complete(null);
        } else {
            completion.completeExceptionally(failure);
        }
    }

    private record Unclaimed(long at, RuntimeException failure) {}

    private record Handle(long sequence, CompletableFuture<Void> future) implements Delivery {
        @Override
        public CompletionStage<Void> completion() {
            return future.minimalCompletionStage();
        }
    }
}
