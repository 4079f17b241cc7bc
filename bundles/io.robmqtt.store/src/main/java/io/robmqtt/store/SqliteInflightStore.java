package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.InflightStore;
import io.robmqtt.api.store.StoredMessage;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;

/** InflightService: the {@link InflightStore} on the SQLite store. */
@Component(name = "io.robmqtt.store.InflightService", configurationPolicy = ConfigurationPolicy.IGNORE)
public class SqliteInflightStore implements InflightStore {
    private final SqliteStore store;

    @Activate
    public SqliteInflightStore(@Reference SqliteStore store) {
        this.store = store;
    }

    @Override
    public StoredMessage add(String connection, OutgoingMessage message) {
        store.limits().checkPayload(message);
        store.checkDiskFloor();
        return store.call(connection, (tx, messages) -> messages.addInflight(tx, message, tx.now()));
    }

    @Override
    public void addAll(String connection, List<StoredMessage> messages) {
        store.call(connection, (tx, stored) -> {
            stored.addInflight(tx, messages);
            return null;
        });
    }

    @Override
    public void remove(String connection, long sequence) {
        store.call(connection, (tx, messages) -> acknowledge(tx, messages, List.of(sequence)));
    }

    @Override
    public CompletionStage<Void> removeAsync(String connection, Collection<Long> sequences) {
        return store.submitRelaxed(connection, (tx, messages) -> acknowledge(tx, messages, sequences));
    }

    @Override
    public List<StoredMessage> list(String connection) {
        return store.call(connection, (tx, messages) -> messages.inflight(tx));
    }

    @Override
    public long count(String connection) {
        return store.call(connection, (tx, messages) -> (long) messages.inflightCount());
    }

    private static Void acknowledge(Transaction tx, ConnectionMessages messages, Collection<Long> sequences)
            throws SQLException {
        messages.acknowledge(tx, sequences);
        return null;
    }
}
