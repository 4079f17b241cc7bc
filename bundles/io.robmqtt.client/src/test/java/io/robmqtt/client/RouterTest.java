package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The ordering rules of the live path: a publish goes straight to the broker only while nothing queued can be
 * overtaken, i.e. after the drain has emptied the queue and while nobody is queueing.
 */
class RouterTest {
    private final AtomicBoolean acknowledgementThread = new AtomicBoolean();
    private final AtomicBoolean rateAllows = new AtomicBoolean(true);
    private final Router<Session> router = new Router<>(acknowledgementThread::get, rateAllows::get);
    private final Session session = new Session(2);

    /** A broker session as the router sees it. */
    static final class Session implements Router.Target {
        final InflightWindow window;
        volatile boolean alive = true;

        Session(int maxInflight) {
            window = new InflightWindow(maxInflight);
        }

        @Override
        public boolean alive() {
            return alive;
        }

        @Override
        public InflightWindow window() {
            return window;
        }
    }

    private void drainedAndLive() {
        router.sessionStarted(session);
        assertThat(router.goLive(session, router.enqueuedMark())).isTrue();
    }

    private static boolean isDirect(Router.Route<Session> route) {
        return route instanceof Router.Direct<Session>;
    }

    @Test
    void withoutASessionEveryPublishIsQueued() {
        try (Router.Route<Session> route = router.route()) {
            assertThat(route).isInstanceOf(Router.Queued.class);
        }
    }

    @Test
    void aNewSessionIsNotLiveUntilTheDrainSaysTheQueueIsEmpty() {
        router.sessionStarted(session);
        try (Router.Route<Session> route = router.route()) {
            assertThat(isDirect(route)).as("straight to the broker before the drain caught up").isFalse();
        }
    }

    @Test
    void aLiveSessionTakesAPublishWithAWindowPermit() {
        drainedAndLive();
        try (Router.Route<Session> route = router.route()) {
            assertThat(route).isEqualTo(new Router.Direct<>(session));
        }
        assertThat(session.window.tryAcquire()).isTrue();
        assertThat(session.window.tryAcquire()).as("the route kept its permit for the message").isFalse();
    }

    @Test
    void aPublishQueuedAfterTheDrainLookedKeepsTheConnectionOffLive() {
        router.sessionStarted(session);
        long mark = router.enqueuedMark(); // the drain found the queue empty here
        router.queue().close(); // a publish queued since
        assertThat(router.goLive(session, mark)).as("the queued message would be overtaken").isFalse();
        assertThat(router.goLive(session, router.enqueuedMark())).isTrue();
    }

    @Test
    void anEnqueueUnderWayKeepsTheConnectionOffLiveUntilItIsClosed() {
        router.sessionStarted(session);
        Router.Queued<Session> enqueuing = router.queue();
        long mark = router.enqueuedMark();
        assertThat(router.goLive(session, mark)).isFalse();
        enqueuing.close();
        enqueuing.close(); // closing twice counts once
        assertThat(router.goLive(session, mark)).as("the finished enqueue changed the queue").isFalse();
        assertThat(router.goLive(session, router.enqueuedMark())).isTrue();
    }

    @Test
    void queueingEndsLiveSoThatLaterPublishesDoNotOvertake() {
        drainedAndLive();
        try (Router.Route<Session> queued = router.queue()) {
            assertThat(router.isLive()).isFalse();
            try (Router.Route<Session> next = router.route()) {
                assertThat(isDirect(next)).isFalse();
            }
        }
        assertThat(router.isLive()).as("live again only when the drain says so").isFalse();
    }

    @Test
    void aSessionThatEndedTakesNothing() {
        drainedAndLive();
        router.sessionEnded(session);
        assertThat(router.isLive()).isFalse();
        assertThat(router.current()).isNull();
        try (Router.Route<Session> route = router.route()) {
            assertThat(isDirect(route)).isFalse();
        }
    }

    @Test
    void aDeadSessionIsNotLiveEvenBeforeItsEndIsReported() {
        drainedAndLive();
        session.alive = false;
        try (Router.Route<Session> route = router.route()) {
            assertThat(isDirect(route)).isFalse();
        }
    }

    @Test
    void onlyTheCurrentSessionGoesLive() {
        Session old = new Session(2);
        router.sessionStarted(old);
        router.sessionStarted(session);
        assertThat(router.goLive(old, router.enqueuedMark())).isFalse();
    }

    @Test
    void aFullWindowSendsThePublishToTheQueueAfterTheWait() {
        drainedAndLive();
        assertThat(session.window.tryAcquire() && session.window.tryAcquire()).isTrue(); // window full
        long start = System.nanoTime();
        try (Router.Route<Session> route = router.route()) {
            assertThat(isDirect(route)).isFalse();
        }
        assertThat(System.nanoTime() - start).as("it waited for a permit first")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(Router.PERMIT_WAIT_MILLIS) / 2);
        assertThat(router.isLive()).as("what follows queues behind it").isFalse();
    }

    @Test
    void theAcknowledgementThreadNeverWaitsForAPermit() {
        drainedAndLive();
        assertThat(session.window.tryAcquire() && session.window.tryAcquire()).isTrue(); // window full
        acknowledgementThread.set(true);
        try (Router.Route<Session> route = router.route()) {
            assertThat(isDirect(route)).isFalse();
        }
        assertThat(router.isLive()).isFalse();
    }

    @Test
    void aPublishTheRateHoldsBackIsQueuedAndGivesItsPermitBack() {
        drainedAndLive();
        rateAllows.set(false);
        try (Router.Route<Session> route = router.route()) {
            assertThat(isDirect(route)).as("queued, where it waits durably for the drain").isFalse();
        }
        assertThat(session.window.tryAcquire() && session.window.tryAcquire()).as("both permits free").isTrue();
        assertThat(router.isLive()).as("what follows queues behind it").isFalse();
    }

    @Test
    void aPermitFreedAfterSomebodyQueuedIsGivenBackAndThePublishQueues() throws Exception {
        drainedAndLive();
        assertThat(session.window.tryAcquire() && session.window.tryAcquire()).isTrue(); // window full
        AtomicReference<Thread> publisher = new AtomicReference<>();
        CompletableFuture<Boolean> direct = CompletableFuture.supplyAsync(() -> {
            publisher.set(Thread.currentThread());
            try (Router.Route<Session> route = router.route()) {
                return isDirect(route);
            }
        });
        awaitWaiting(publisher); // in the wait for a permit, outside the router's lock
        router.queue().close(); // somebody queued meanwhile
        session.window.release(); // then an acknowledgement frees a permit
        assertThat(direct.get(5, TimeUnit.SECONDS)).as("it would overtake the queued message").isFalse();
        assertThat(session.window.tryAcquire()).as("the permit was given back").isTrue();
    }

    private static void awaitWaiting(AtomicReference<Thread> thread) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.get() == null || thread.get().getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("the publisher waits for a permit within 5 s").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
    }
}
