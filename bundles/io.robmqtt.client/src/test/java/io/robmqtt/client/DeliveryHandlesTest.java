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
}
