package io.robmqtt.store;

import io.robmqtt.api.store.ReceivedStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/**
 * ReceivedService: the {@link ReceivedStore} on the SQLite store, in the table {@value Schema#RECEIVED} of the same
 * file. It holds at most what the broker may leave unreleased per connection (its inflight window).
 */
@Component(name = "io.robmqtt.store.ReceivedService", configurationPolicy = ConfigurationPolicy.IGNORE)
public class SqliteReceivedStore implements ReceivedStore {
    private static final String TABLE = Schema.RECEIVED;
    private static final String OTHER_SESSIONS = "DELETE FROM " + TABLE + " WHERE connection = ? AND session <> ?";
    private static final String LIST = "SELECT key, header, payload FROM " + TABLE + " WHERE connection = ? "
            + "ORDER BY key";
    private static final String PUT = "INSERT OR REPLACE INTO " + TABLE + "(connection, key, session, header, "
            + "payload) VALUES (?, ?, ?, ?, ?)";
    private static final String REMOVE = "DELETE FROM " + TABLE + " WHERE connection = ? AND key = ?";
    private static final String CLEAR = "DELETE FROM " + TABLE + " WHERE connection = ?";

    private final SqliteStore store;

    @Activate
    public SqliteReceivedStore(@Reference SqliteStore store) {
        this.store = store;
    }

    @Override
    public List<Received> open(String connection, String session) {
        return store.call(connection, (tx, messages) -> {
            update(tx, OTHER_SESSIONS, connection, session);
            PreparedStatement list = tx.prepared(LIST);
            list.setString(1, connection);
            List<Received> received = new ArrayList<>();
            try (ResultSet rs = list.executeQuery()) {
                while (rs.next()) {
                    received.add(new Received(rs.getString(1), rs.getBytes(2), rs.getBytes(3)));
                }
            }
            return received;
        });
    }

    @Override
    public void put(String connection, String session, Received message) {
        store.checkDiskFloor();
        store.call(connection, (tx, messages) -> {
            PreparedStatement put = tx.prepared(PUT);
            put.setString(1, connection);
            put.setString(2, message.key());
            put.setString(3, session);
            put.setBytes(4, message.header());
            put.setBytes(5, message.payload());
            put.executeUpdate();
            return null;
        });
    }

    @Override
    public CompletionStage<Void> removeAsync(String connection, String key) {
        return store.submitRelaxed(connection, (tx, messages) -> update(tx, REMOVE, connection, key));
    }

    @Override
    public void clear(String connection) {
        store.call(connection, (tx, messages) -> update(tx, CLEAR, connection, null));
    }

    private static Void update(Transaction tx, String sql, String connection, String value) throws SQLException {
        PreparedStatement statement = tx.prepared(sql);
        statement.setString(1, connection);
        if (value != null) {
            statement.setString(2, value);
        }
        statement.executeUpdate();
        return null;
    }
}
