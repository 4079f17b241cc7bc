package io.robmqtt.store;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The store's configuration, PID {@value #PID}: the only place its defaults are declared. The OCD id is the PID:
 * Eclipse Kura reads {@code OSGI-INF/metatype/<pid>.xml} and looks the OCD up by the PID.
 */
@ObjectClassDefinition(id = StoreConfig.PID,
        name = "robmqtt store",
        description = "The durable SQLite store of robmqtt: offline queue and inflight records of every "
                + "connection, in one database file.")
public @interface StoreConfig {

    /** The configuration PID. */
    String PID = "io.robmqtt.store";

    @AttributeDefinition(name = "Database path",
            description = "Path of the SQLite database file shared by all connections; relative paths are "
                    + "resolved against the working directory, on Eclipse Kura against its data directory "
                    + "(kura.data). Changing it moves the stored messages into the new file.")
    String db_path() default "./mqtt_client.db";

    @AttributeDefinition(name = "Durability",
            description = "FULL: every accepted message is fsync'd before publish returns, and survives a "
                    + "power loss. NORMAL: survives a crash or kill of the JVM, but a power loss may lose "
                    + "the last messages accepted; faster on slow flash.",
            options = {
                @Option(label = "FULL (survives power loss)", value = "FULL"),
                @Option(label = "NORMAL (survives process crash)", value = "NORMAL")
            })
    Synchronous db_synchronous() default Synchronous.FULL;

    @AttributeDefinition(name = "Maximum queue size",
            description = "Most messages one connection's offline queue holds. When it is full, a new message "
                    + "evicts the oldest message of the lowest priority below its own, or is rejected.",
            min = "1")
    int max_queue_size() default 1000;

    @AttributeDefinition(name = "Maximum queue bytes",
            description = "Most bytes (topic plus payload) one connection's offline queue holds.",
            min = "1")
    long max_queue_bytes() default 104_857_600L;

    @AttributeDefinition(name = "Maximum payload bytes",
            description = "Largest payload accepted by publish; larger ones are refused. At most "
                    + "max.queue.bytes and at most 268435455 (the MQTT limit).",
            min = "0", max = "268435455")
    int max_payload_bytes() default 1_048_576;

    @AttributeDefinition(name = "Minimum free disk",
            description = "Bytes that must stay free on the file system of the database: below it the store refuses "
                    + "new messages (StoreException naming the file system and the free space), keeps what it has, "
                    + "and accepts again once space returns; /health is degraded meanwhile. 0 for no floor.",
            min = "0")
    long min_free_disk_bytes() default 67_108_864L;

    /** SQLite's {@code PRAGMA synchronous} levels robmqtt offers. */
    enum Synchronous {
        /** fsync at every commit. */
        FULL,
        /** fsync at checkpoints only (WAL): safe from process crashes, not from power loss. */
        NORMAL
    }
}
