package io.robmqtt.store;

import java.lang.annotation.Annotation;
import java.nio.file.Path;

/** A {@link StoreConfig} for tests, with the declared defaults unless a test changes one. */
@SuppressWarnings("all")
final class StoreSettings implements StoreConfig {
    String dbPath;
    Synchronous synchronous = Synchronous.FULL;
    int maxQueueSize = 1000;
    long maxQueueBytes = 104_857_600L;
    int maxPayloadBytes = 1_048_576;
    long minFreeDiskBytes = 67_108_864L;

    StoreSettings(Path db) {
        this.dbPath = db.toString();
    }

    StoreSettings maxQueueSize(int size) {
        maxQueueSize = size;
        return this;
    }

    StoreSettings maxQueueBytes(long bytes) {
        maxQueueBytes = bytes;
        return this;
    }

    StoreSettings maxPayloadBytes(int bytes) {
        maxPayloadBytes = bytes;
        return this;
    }

    StoreSettings minFreeDiskBytes(long bytes) {
        minFreeDiskBytes = bytes;
        return this;
    }

    StoreSettings withPath(Path db) {
        dbPath = db.toString();
        return this;
    }

    StoreSettings copy() {
        StoreSettings copy = new StoreSettings(Path.of(dbPath));
        copy.synchronous = synchronous;
        copy.maxQueueSize = maxQueueSize;
        copy.maxQueueBytes = maxQueueBytes;
        copy.maxPayloadBytes = maxPayloadBytes;
        copy.minFreeDiskBytes = minFreeDiskBytes;
        return copy;
    }

    @Override public String db_path() { return dbPath; }
    @Override public Synchronous db_synchronous() { return synchronous; }
    @Override public int max_queue_size() { return maxQueueSize; }
    @Override public long max_queue_bytes() { return maxQueueBytes; }
    @Override public int max_payload_bytes() { return maxPayloadBytes; }
    @Override public long min_free_disk_bytes() { return minFreeDiskBytes; }
    @Override public Class<? extends Annotation> annotationType() { return StoreConfig.class; }
}
