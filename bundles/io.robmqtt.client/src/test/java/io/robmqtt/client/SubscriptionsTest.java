package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.robmqtt.api.MessageListener;
import io.robmqtt.api.Subscription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What happens to a received message: it is acknowledged only once a listener has taken it; without a listener
 * it is held unacknowledged for {@code listener.wait.seconds} (after start-up, and after a filter's last listener
 * went away), then acknowledged, dropped and counted. The clock is the test's; sweeps are run by the test.
 */
class SubscriptionsTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final double WAIT = 30;

    private long now = 5 * SECOND;
    private double waitSeconds = WAIT;
    private final Pool pool = new Pool();
    private final ConnectionCounters counters = new ConnectionCounters();
    private final ScheduledExecutorService timer = new ScheduledThreadPoolExecutor(1); // its sweeps come far later
    private int capacity = 1_000;
    private final Subscriptions subscriptions = new Subscriptions("test", pool, counters, timer, () -> now,
            () -> waitSeconds, () -> capacity);
    private final Broker broker = new Broker();
    private int id;

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /** A broker session that records what it is told. */
    static final class Broker implements BrokerLink {
        final List<String> subscribed = new ArrayList<>();
        final List<String> unsubscribed = new ArrayList<>();
        final List<String> acked = new ArrayList<>();

        @Override
        public void subscribe(String filter, int qos) {
            subscribed.add(filter);
        }

        @Override
        public void unsubscribe(String filter) {
            unsubscribed.add(filter);
        }

        @Override
        public void ack(MqttMessage message) {
            acked.add(new String(message.getPayload(), StandardCharsets.UTF_8));
        }
    }

    /** The listeners' pool, run when the test says. */
    static final class Pool extends AbstractExecutorService {
        private final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.remove(0).run();
            }
        }

        @Override
        public void shutdown() {}

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }
    }

    /** A listener that records the payloads it got. */
    static final class Recorder implements MessageListener {
        final List<String> got = new ArrayList<>();

        @Override
        public void messageArrived(String topic, byte[] payload, int qos, boolean retained) {
            got.add(new String(payload, StandardCharsets.UTF_8));
        }
    }

    private void arrive(String topic, String payload, int qos) {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(qos);
        message.setId(++id);
        subscriptions.dispatch(broker, topic, message);
    }

    private void later(double seconds) {
        now += Math.round(seconds * SECOND);
        subscriptions.sweep();
    }

    private long dropped() {
        return counters.droppedNoListener.sum();
    }

    @Test
    void aMessageIsAcknowledgedOnlyAfterItsListenerReturned() {
        subscriptions.sessionStarted(broker);
        Recorder listener = new Recorder();
        subscriptions.add("rx/#", listener, 1);
        arrive("rx/1", "m1", 1);
        assertThat(broker.acked).as("not before the listener ran").isEmpty();
        pool.runAll();
        assertThat(listener.got).containsExactly("m1");
        assertThat(broker.acked).containsExactly("m1");
    }

    @Test
    void messagesThatArriveBeforeTheirListenerAfterAStartAreHeldAndGivenToItInOrder() {
        subscriptions.sessionStarted(broker);
        arrive("rx/1", "m1", 1);
        arrive("rx/2", "m2", 1);
        pool.runAll();
        assertThat(broker.acked).as("held, not acknowledged").isEmpty();
        assertThat(subscriptions.held()).isEqualTo(2);
        later(WAIT / 2);

        Recorder listener = new Recorder();
        subscriptions.add("rx/#", listener, 1);
        arrive("rx/3", "m3", 1);
        pool.runAll();

        assertThat(listener.got).containsExactly("m1", "m2", "m3");
        assertThat(broker.acked).containsExactly("m1", "m2", "m3");
        assertThat(dropped()).isZero();
    }

    @Test
    void messagesNoListenerClaimsAfterAStartAreAcknowledgedAndCountedAsDroppedWhenTheWaitEnds() {
        subscriptions.sessionStarted(broker);
        arrive("old/app", "m1", 1);
        later(WAIT - 1);
        assertThat(broker.acked).isEmpty();
        later(1);
        assertThat(broker.acked).containsExactly("m1");
        assertThat(subscriptions.held()).isZero();
        assertThat(dropped()).isEqualTo(1);

        arrive("old/app", "m2", 1); // after the start-up wait: nothing to wait for
        assertThat(broker.acked).containsExactly("m1", "m2");
        assertThat(dropped()).isEqualTo(2);
    }

    @Test
    void qos0MessagesAreNeverHeld() {
        subscriptions.sessionStarted(broker);
        arrive("rx/1", "m0", 0);
        assertThat(subscriptions.held()).isZero();
        assertThat(dropped()).isEqualTo(1);
    }

    @Test
    void aFilterWhoseListenerLeftStaysSubscribedAndItsMessagesWaitForTheNextListener() {
        subscriptions.sessionStarted(broker);
        later(WAIT); // past the start-up wait
        Subscription first = subscriptions.add("rx/#", new Recorder(), 1);
        first.close(); // the listener's bundle is being updated
        assertThat(broker.unsubscribed).as("the broker keeps sending to us").isEmpty();
        arrive("rx/1", "m1", 1);
        assertThat(broker.acked).isEmpty();

        later(WAIT / 2);
        Recorder next = new Recorder();
        subscriptions.add("rx/#", next, 1);
        pool.runAll();
        assertThat(next.got).containsExactly("m1");
        assertThat(broker.acked).containsExactly("m1");
        later(WAIT);
        assertThat(broker.unsubscribed).as("claimed again, so never released").isEmpty();
    }

    @Test
    void aFilterNobodyClaimsAgainIsUnsubscribedAndItsHeldMessagesDroppedWhenTheWaitEnds() {
        subscriptions.sessionStarted(broker);
        later(WAIT);
        subscriptions.add("rx/#", new Recorder(), 1).close();
        arrive("rx/1", "m1", 1);
        arrive("rx/2", "m2", 1);
        later(WAIT - 1);
        assertThat(broker.unsubscribed).isEmpty();
        later(1);
        assertThat(broker.unsubscribed).containsExactly("rx/#");
        assertThat(broker.acked).containsExactly("m1", "m2");
        assertThat(dropped()).isEqualTo(2);
        assertThat(subscriptions.active()).isZero();
    }

    @Test
    void messagesALeavingListenerHadNotStartedGoToTheNextListenerBeforeNewerOnes() {
        subscriptions.sessionStarted(broker);
        Recorder old = new Recorder();
        Subscription subscription = subscriptions.add("rx/#", old, 1);
        arrive("rx/1", "m1", 1);
        arrive("rx/2", "m2", 1);
        subscription.close(); // before its lane ran them
        Recorder next = new Recorder();
        subscriptions.add("rx/#", next, 1);
        arrive("rx/3", "m3", 1);
        pool.runAll();
        assertThat(old.got).isEmpty();
        assertThat(next.got).containsExactly("m1", "m2", "m3");
        assertThat(broker.acked).containsExactly("m1", "m2", "m3");
    }

    @Test
    void aThrowingListenerHasTakenItsMessage() {
        subscriptions.sessionStarted(broker);
        subscriptions.add("rx/#", (topic, payload, qos, retained) -> {
            throw new IllegalStateException("poison");
        }, 1);
        arrive("rx/1", "m1", 1);
        pool.runAll();
        assertThat(broker.acked).containsExactly("m1");
        assertThat(counters.listenerFailures.sum()).isEqualTo(1);
        assertThat(dropped()).isZero();
    }

    @Test
    void aListenerThatThrowsAnErrorHasTakenItsMessageToo() {
        subscriptions.sessionStarted(broker);
        subscriptions.add("rx/#", (topic, payload, qos, retain) -> {
            throw new AssertionError("a bug that ends the thread it runs on");
        }, 1);
        arrive("rx/1", "m1", 1);
        assertThatThrownBy(pool::runAll).isInstanceOf(AssertionError.class);
        assertThat(broker.acked).as("acknowledged, not left to block a broker slot until the next session")
                .containsExactly("m1");
    }

    @Test
    void messagesHeldFromAnEndedSessionAreLeftToTheBroker() {
        subscriptions.sessionStarted(broker);
        arrive("rx/1", "m1", 1);
        subscriptions.sessionEnded(broker);
        assertThat(subscriptions.held()).isZero();
        later(WAIT);
        assertThat(broker.acked).isEmpty();
        assertThat(dropped()).as("not dropped: the broker sends it again").isZero();
    }

    @Test
    void qos0BeyondAListenersCapacityIsDroppedAndCountedWhileQos1WaitsUnacknowledged() {
        capacity = 2;
        subscriptions.sessionStarted(broker);
        Recorder slow = new Recorder();
        subscriptions.add("rx/#", slow, 1);
        for (int i = 0; i < 5; i++) {
            arrive("rx/" + i, "q0-" + i, 0); // the pool does not run: the listener is stuck
        }
        arrive("rx/q1", "q1", 1);
        assertThat(counters.droppedLaneFull.sum()).isEqualTo(3);
        pool.runAll();
        assertThat(slow.got).containsExactly("q0-0", "q0-1", "q1");
        assertThat(broker.acked).contains("q1");
        assertThat(dropped()).as("no listener is missing").isZero();
    }

    @Test
    void withoutAWaitAFilterIsUnsubscribedWhenItsLastListenerLeaves() {
        waitSeconds = 0;
        subscriptions.sessionStarted(broker);
        subscriptions.add("rx/#", new Recorder(), 1).close();
        assertThat(broker.unsubscribed).containsExactly("rx/#");
    }
}
