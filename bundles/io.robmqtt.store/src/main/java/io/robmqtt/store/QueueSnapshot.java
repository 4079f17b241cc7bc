package io.robmqtt.store;

import io.robmqtt.api.QueueStatistics;
import java.util.OptionalDouble;
import java.util.SortedMap;

/** An immutable {@link QueueStatistics}. */
record QueueSnapshot(long totalMessages, long totalBytes, SortedMap<Integer, Long> byPriority,
        OptionalDouble oldestMessageAgeSeconds, double capacityUsedPercent, long evictedMessages,
        long rejectedMessages, long storeFileBytes, long freeDiskBytes, boolean belowDiskFloor, String storeFailure)
        implements QueueStatistics {}
