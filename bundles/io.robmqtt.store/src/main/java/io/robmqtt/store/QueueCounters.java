package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one connection's queue holds, kept in memory so that capacity checks need no query: messages and bytes,
 * in all and by priority. Changed only on the database thread; read under its lock from any thread.
 */
final class QueueCounters {
    private final long[] countByPriority = new long[OutgoingMessage.MAX_PRIORITY + 1];
    private long count;
    private long bytes;

    synchronized void add(int priority, long size) {
        countByPriority[priority]++;
        count++;
        bytes += size;
    }

    /** Adds {@code count} messages of one priority taking {@code size} bytes in all. */
    synchronized void add(int priority, long count, long size) {
        countByPriority[priority] += count;
        this.count += count;
        bytes += size;
    }

    /** Removes {@code count} messages of one priority taking {@code size} bytes in all. */
    synchronized void remove(int priority, long count, long size) {
        add(priority, -count, -size);
    }

    synchronized void remove(int priority, long size) {
        countByPriority[priority]--;
        count--;
        bytes -= size;
    }

    synchronized long count() {
        return count;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long count(int priority) {
        return countByPriority[priority];
    }

    /** Messages by priority, highest first, leaving out priorities with none. */
    synchronized SortedMap<Integer, Long> byPriority() {
        SortedMap<Integer, Long> map = new TreeMap<>(Collections.reverseOrder());
        for (int p = OutgoingMessage.MAX_PRIORITY; p >= OutgoingMessage.MIN_PRIORITY; p--) {
            if (countByPriority[p] > 0) {
                map.put(p, countByPriority[p]);
            }
        }
        return Collections.unmodifiableSortedMap(map);
    }
}
