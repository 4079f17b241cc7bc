package io.robmqtt.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's clock, by which messages are stamped and their ages and expiry measured: the system clock, less
 * every jump it makes. Gateways without a battery-backed clock boot with a wrong time and jump when NTP syncs;
 * ages measured by the system clock alone would expire a whole queue at a jump forward, and keep expired
 * messages for as long as a jump back. The rule:
 * <ul>
 *   <li>While the store runs, the system clock is compared with the monotonic clock at every reading; a
 *       difference of more than {@value #JUMP_MILLIS} ms since the last reading is a jump, and the store's clock
 *       does not follow it: it goes on from where it was, at the pace of the monotonic clock.
 *   <li>The correction (system clock minus store clock) is kept in the file, so messages stamped before a restart
 *       are measured on the same clock after it.
 *   <li>At start-up the store's clock never reads earlier than the latest stamp in the file: a system clock that
 *       is behind at boot (no battery, or a restored last-shutdown time) neither makes messages younger nor
 *       keeps them forever. When it is ahead of the latest stamp, the time the gateway was off counts.
 * </ul>
 * Read on the database thread only.
 */
final class StoreClock {
    private static final Logger LOG = LoggerFactory.getLogger(StoreClock.class);
    /** A difference between the system and the monotonic clock larger than this is a jump. */
    static final long JUMP_MILLIS = 2_000;
    private static final String KEY = "clock_correction";

    private final Clock system;
    private final LongSupplier nanos;
    private long correction;
    private long lastSystem;
    private long lastNanos;
    /** The correction changed since it was last written to the file. */
    private boolean unsaved;

    StoreClock(Clock system, LongSupplier nanos) {
        this.system = system;
        this.nanos = nanos;
    }

    /** Reads the correction of the file, and keeps the clock from reading before the file's latest stamp. */
    void open(Statement statement) throws SQLException {
        statement.executeUpdate("INSERT OR IGNORE INTO meta(key, value) VALUES ('" + KEY + "', 0)");
        long latest;
        try (var rs = statement.executeQuery("SELECT (SELECT value FROM meta WHERE key = '" + KEY + "'), "
                + "coalesce((SELECT max(stored_at) FROM " + Schema.ROWS + "), " + Long.MIN_VALUE + ")")) {
            rs.next();
            correction = rs.getLong(1);
            latest = rs.getLong(2);
        }
        lastSystem = system.millis();
        lastNanos = nanos.getAsLong();
        if (lastSystem - correction < latest) {
            long behind = latest - (lastSystem - correction);
            correction = lastSystem - latest;
            unsaved = true;
            LOG.warn("event=clock_behind_store behind_ms={}: the system clock reads earlier than the latest message "
                    + "stamp; the store's clock goes on from that stamp", behind);
        }
    }

    /** The store's time, in milliseconds since the epoch. */
    long millis() {
        long now = system.millis();
        long n = nanos.getAsLong();
        long jump = now - lastSystem - (n - lastNanos) / 1_000_000;
        if (Math.abs(jump) > JUMP_MILLIS) {
            correction += jump;
            unsaved = true;
            LOG.warn("event=clock_jump jump_ms={}: the system clock jumped; message ages and expiry do not follow "
                    + "the jump", jump);
        }
        lastSystem = now;
        lastNanos = n;
        return now - correction;
    }

    /** Writes the correction into the open transaction if it changed; {@link #saved} once it is committed. */
    boolean save(Transaction tx) throws SQLException {
        if (!unsaved) {
            return false;
        }
        PreparedStatement update = tx.prepared("UPDATE meta SET value = ? WHERE key = '" + KEY + "'");
        update.setLong(1, correction);
        update.executeUpdate();
        return true;
    }

    void saved() {
        unsaved = false;
    }
}
