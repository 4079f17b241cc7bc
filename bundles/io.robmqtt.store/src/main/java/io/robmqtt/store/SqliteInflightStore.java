package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.InflightStore;
import io.robmqtt.api.store.StoredMessage;
import java.time.Clock;
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
    private static final MessageTable TABLE = new MessageTable(Schema.INFLIGHT);

    private final SqliteStore store;
    private final Clock clock;

    @Activate
    public SqliteInflightStore(@Reference SqliteStore store) {
        this(store, Clock.systemUTC());
    }

    SqliteInflightStore(SqliteStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public StoredMessage add(String connection, OutgoingMessage message) {
        store.limits().checkPayload(message);
        return store.call(tx -> {
            StoredMessage stored = new StoredMessage(tx.nextSequence(), message, clock.millis());
            TABLE.insert(tx, connection, stored);
            return stored;
        });
    }

    @Override
    public void addAll(String connection, List<StoredMessage> messages) {
        store.call(tx -> {
            for (StoredMessage message : messages) {
                TABLE.insert(tx, connection, message);
            }
            return null;
        });
    }

    @Override
    public void remove(String connection, long sequence) {
        store.call(tx -> {
            TABLE.delete(tx, connection, List.of(sequence));
            return null;
        });
    }

    @Override
    public CompletionStage<Void> removeAsync(String connection, Collection<Long> sequences) {
        return store.submitRelaxed(tx -> {
            TABLE.delete(tx, connection, sequences);
            return null;
        });
    }

    @Override
    public List<StoredMessage> list(String connection) {
        return store.call(tx -> TABLE.select(tx, connection, "", "seq"));
    }

    @Override
    public long count(String connection) {
        return store.call(tx -> TABLE.count(tx, connection));
    }
}
