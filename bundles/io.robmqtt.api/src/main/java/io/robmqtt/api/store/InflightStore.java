package io.robmqtt.api.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.StoreException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable record of QoS 1 and 2 messages handed to a broker and not yet acknowledged. A connection adds a
 * record before it sends a message and removes it when the broker acknowledges; what is left after a
 * reconnect or a restart is sent again.
 */
@ProviderType
public interface InflightStore {

    /**
     * Records a new message, giving it the next sequence, and returns once the record is durable.
     *
     * @param connection the connection's name
     * @param message the message about to be sent
     * @return the stored record
     * @throws IllegalArgumentException if the payload is larger than the store allows; nothing was stored
     * @throws StoreException if the record could not be written
     */
    StoredMessage add(String connection, OutgoingMessage message);

    /**
     * Records messages that keep the sequences they already have (messages taken from the offline queue), and
     * returns once the records are durable. A sequence already recorded is replaced.
     *
     * @param connection the connection's name
     * @param messages the messages about to be sent
     * @throws StoreException if the records could not be written
     */
    void addAll(String connection, List<StoredMessage> messages);

    /**
     * Removes the record of an acknowledged message durably; an unknown sequence is ignored.
     *
     * @param connection the connection's name
     * @param sequence the acknowledged message
     */
    void remove(String connection, long sequence);

    /**
     * Removes records without waiting: acknowledgements arrive on the network thread, which must not wait for
     * the disk. Removals submitted together share a transaction. If the process dies before a removal is
     * durable, the message is sent again after the restart: a duplicate, never a loss.
     *
     * @param connection the connection's name
     * @param sequences the acknowledged messages
     * @return a stage completing when the removal is durable
     */
    CompletionStage<Void> removeAsync(String connection, Collection<Long> sequences);

    /**
     * The unacknowledged messages of a connection, in sequence order: the order to send them again.
     *
     * @param connection the connection's name
     * @return every record of the connection
     */
    List<StoredMessage> list(String connection);

    /**
     * How many unacknowledged messages a connection has.
     *
     * @param connection the connection's name
     * @return the number of records
     */
    long count(String connection);
}
