package io.robmqtt.api;

import java.util.OptionalDouble;
import java.util.SortedMap;
import org.osgi.annotation.versioning.ProviderType;

/** A snapshot of one connection's offline queue: the {@code offline_queue} part of the statistics. */
@ProviderType
public interface QueueStatistics {

    /** Messages waiting in the queue ({@code total_messages}). */
    long totalMessages();

    /** Bytes the waiting messages take: topic plus payload of each. */
    long totalBytes();

    /** Waiting messages by priority, highest priority first; priorities with none are absent. */
    SortedMap<Integer, Long> byPriority();

    /** Age of the oldest waiting message in seconds, or empty when the queue is empty. */
    OptionalDouble oldestMessageAgeSeconds();

    /**
     * How full the queue is, 0 to 100 (more only after the capacity was lowered below the current depth): the
     * larger of the message count against {@code max.queue.size} and the bytes against {@code max.queue.bytes}.
     */
    double capacityUsedPercent();

    /** Messages evicted from this queue for more important ones since the store started. */
    long evictedMessages();

    /** Messages refused with {@link QueueFullException} since the store started. */
    long rejectedMessages();

    /**
     * Bytes the store's database file takes on disk, with its write-ahead log: the file every connection shares.
     *
     * @since 1.1
     */
    long storeFileBytes();

    /**
     * Bytes free for the store on the file system of its database file.
     *
     * @since 1.1
     */
    long freeDiskBytes();

    /**
     * Whether the free space is below the store's {@code min.free.disk.bytes}: new messages are refused with a
     * {@link StoreException} until space returns; what is stored is kept and delivered.
     *
     * @since 1.1
     */
    boolean belowDiskFloor();

    /**
     * Why the store's database thread died of an error, or the empty string while it runs.
     *
     * @since 1.1
     */
    String storeFailure();
}
