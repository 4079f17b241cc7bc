package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.MessageEvictedException;
import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeliveryHandlesTest {
    private final AtomicLong now = new AtomicLong();
    private final DeliveryHandles handles = new DeliveryHandles(now::get);

    private CompletableFuture<Void> track(long sequence) {
        return handles.track(sequence).completion().toCompletableFuture();
    }

    @Test
    void completesWhenDelivered() {
        CompletableFuture<Void> completion = track(1);
        assertThat(completion).isNotDone();
        handles.delivered(1);
        assertThat(completion).isCompleted();
        assertThat(handles.size()).isZero();
    }

    @Test
    void completesExceptionallyWhenEvicted() {
        CompletableFuture<Void> completion = track(2);
        handles.evicted(new StoredMessage(2, new OutgoingMessage("t", new byte[0], 1, false, 1), 0), 9);
        assertThat(completion).isCompletedExceptionally();
        assertThat(completion.handle((ok, e) -> e.getCause())).isCompletedWithValueMatching(
                e -> e instanceof MessageEvictedException && e.getMessage().contains("priority 9"));
    }

    @Test
    void anAcknowledgementThatOvertakesRegistrationIsNotLost() {
        handles.delivered(3);
        assertThat(track(3)).isCompleted();
    }

    @Test
    void unclaimedOutcomesAgeOut() {
        handles.delivered(4); // a message of an earlier run: nobody will claim it
        now.addAndGet(11_000_000_000L);
        handles.delivered(5); // pruning happens when outcomes are added
        assertThat(track(4)).isNotDone();
        assertThat(track(5)).isCompleted();
    }

    @Test
    void theOutcomesKeptForSequencesNobodyTracksAreBoundedInNumber() {
        for (long sequence = 100; sequence < 100 + 3 * DeliveryHandles.MAX_UNCLAIMED; sequence++) {
            handles.delivered(sequence); // a drain of messages whose handles were dropped, all within 10 s
        }
        assertThat(handles.unclaimed()).isEqualTo(DeliveryHandles.MAX_UNCLAIMED);
    }

    @Test
    void handlesNobodyHoldsAreForgotten() {
        for (long sequence = 1; sequence <= 10_000; sequence++) {
            handles.track(sequence); // publishAsync during an outage, its handles dropped
        }
        awaitCollected(() -> handles.size() == 0);
        assertThat(handles.size()).as("records left of 10,000 dropped handles").isZero();
    }

    @Test
    void aWatchedHandleIsKeptUntilItsOutcomeWhenOnlyADependentStageIsHeld() {
        CompletableFuture<String> dependent = handles.track(7).completion().thenApply(v -> "delivered")
                .toCompletableFuture();
        for (long sequence = 8; sequence < 1_008; sequence++) {
            handles.track(sequence);
        }
        awaitCollected(() -> handles.size() == 1);
        handles.delivered(7);
        assertThat(dependent).isCompletedWithValue("delivered");
    }

    @Test
    void aHandleWhoseOutcomeCameBeforeItWasWatchedCompletesAtOnce() {
        var delivery = handles.track(9);
        handles.delivered(9);
        assertThat(delivery.completion().toCompletableFuture()).isCompleted();
        assertThat(handles.size()).isZero();
    }

    /** Asks the garbage collector until the condition holds, for at most 10 s. */
    private static void awaitCollected(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            System.gc();
        }
    }
}
