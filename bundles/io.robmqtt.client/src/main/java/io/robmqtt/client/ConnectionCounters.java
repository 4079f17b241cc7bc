package io.robmqtt.client;

import java.util.concurrent.atomic.LongAdder;

/** The event counters of one connection. */
final class ConnectionCounters {
    final LongAdder published = new LongAdder();
    final LongAdder acknowledged = new LongAdder();
    final LongAdder queued = new LongAdder();
    final LongAdder evicted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder resent = new LongAdder();
    final LongAdder reconnects = new LongAdder();
    final LongAdder connectFailures = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder listenerFailures = new LongAdder();
    /** Received messages that no listener claimed, acknowledged and dropped. */
    final LongAdder droppedNoListener = new LongAdder();
    /** Received QoS 0 messages dropped because their listener already had listener.capacity waiting. */
    final LongAdder droppedLaneFull = new LongAdder();
    /** Queued messages removed unsent, past their expiry. */
    final LongAdder expired = new LongAdder();
    volatile String lastConnectError = "";
    /** Which thread of the connection died of an error, and of what; empty while none did. */
    volatile String threadFailure = "";
    volatile String certificateWarning = "";
}
