package io.robmqtt.client;

/**
 * Which broker of {@code broker.uris} a connection tries next. A round starts at the first broker and goes down
 * the list, one attempt each, without waiting in between; the backoff waits only when the whole list has failed,
 * and waits as for a refusal only when every broker of the round refused (CONNACK) rather than failed to answer.
 * So a gateway prefers its first broker, moves to the next within one attempt when the first refuses or stays
 * silent, and a fleet whose whole cluster is down still spreads its retries out.
 */
final class BrokerRound {
    private int broker;
    private boolean refusedAll = true;

    /** The index in broker.uris of the broker to try now. */
    int broker() {
        return broker;
    }

    /**
     * Records a failed attempt and moves to the next broker of the round.
     *
     * @return false when the list is exhausted: the caller waits its backoff, then calls {@link #restart}
     */
    boolean next(boolean refused, int brokers) {
        refusedAll &= refused;
        if (broker + 1 < brokers) {
            broker++;
            return true;
        }
        return false;
    }

    /** Starts a new round at the first broker; true if every broker of the round that ended refused. */
    boolean restart() {
        boolean refused = refusedAll;
        broker = 0;
        refusedAll = true;
        return refused;
    }
}
