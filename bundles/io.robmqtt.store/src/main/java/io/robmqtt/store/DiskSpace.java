package io.robmqtt.store;

import io.robmqtt.api.StoreException;
import io.robmqtt.common.LogValue;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk under the database file: its free space, read at most every {@value #CHECK_MILLIS} ms (a check costs a
 * system call; a few milliseconds of writes cannot cross a floor of megabytes), the floor below which new
 * messages are refused, and the size of the file itself.
 */
final class DiskSpace {
    private static final Logger LOG = LoggerFactory.getLogger(DiskSpace.class);
    private static final long CHECK_MILLIS = 250;

    private final Path file;
    private final LongSupplier nanoTime;
    private volatile long free;
    private volatile long checkedAt;
    private volatile boolean below;

    DiskSpace(Path file, LongSupplier nanoTime) {
        this.file = file.toAbsolutePath();
        this.nanoTime = nanoTime;
        this.checkedAt = nanoTime.getAsLong() - CHECK_MILLIS * 2_000_000;
    }

    /** Bytes free for this process on the file system of the database, as of at most a quarter second ago. */
    long freeBytes() {
        long now = nanoTime.getAsLong();
        if (now - checkedAt >= CHECK_MILLIS * 1_000_000) {
            try {
                free = store().getUsableSpace();
            } catch (IOException e) {
                LOG.warn("event=disk_space_unknown file={} reason={}", LogValue.of(file), LogValue.of(e.toString()));
                free = Long.MAX_VALUE; // unknown: refuse nothing on a guess
            }
            checkedAt = now;
        }
        return free;
    }

    /** Whether the free space is below {@code floor} (0: no floor); logs when that starts and when it ends. */
    boolean below(long floor) {
        boolean now = floor > 0 && freeBytes() < floor;
        if (now != below) {
            below = now;
            if (now) {
                LOG.warn("event=disk_floor_reached file={} file_system={} free_bytes={} min_free_disk_bytes={}: new "
                        + "messages are refused until space returns; stored ones are kept", LogValue.of(file),
                        fileSystem(), free,
                        floor);
            } else {
                LOG.info("event=disk_floor_cleared file={} free_bytes={} min_free_disk_bytes={}", LogValue.of(file),
                        free, floor);
            }
        }
        return now;
    }

    /** Refuses a new message while the free space is below {@code floor}. */
    void check(long floor) {
        if (below(floor)) {
            throw new StoreException("the file system " + fileSystem() + " of the database " + file + " has "
                    + free + " bytes free, below min.free.disk.bytes " + floor + "; the message was not stored "
                    + "(stored messages are kept): free space, or lower min.free.disk.bytes", null);
        }
    }

    /** Bytes of the database file and its write-ahead log. */
    long fileBytes() {
        long total = 0;
        for (String suffix : new String[] {"", "-wal"}) {
            try {
                total += Files.size(file.resolveSibling(file.getFileName() + suffix));
            } catch (IOException e) {
                // not there (yet): nothing to count
            }
        }
        return total;
    }

    private String fileSystem() {
        try {
            FileStore store = store();
            return store.name() + " (" + store.type() + ")";
        } catch (IOException e) {
            return "(unknown)";
        }
    }

    private FileStore store() throws IOException {
        return Files.getFileStore(Files.exists(file) ? file : file.getParent());
    }
}
