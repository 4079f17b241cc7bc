package io.robmqtt.store;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a row: its messages, one after another. Each message is its sequence (as the difference from the
 * row's id, so that moving rows to another file can renumber them in SQL), the time it was stored, QoS,
 * retain, its own expiry in milliseconds (0: none), topic and payload. Format 2; format 1, without the expiry,
 * is still read. A row whose body does not parse is reported, never guessed at.
 */
final class RowCodec {
    private static final byte VERSION = 2;
    /** The format without the expiry. */
    private static final byte VERSION_1 = 1;
    private static final int FIXED = Long.BYTES * 3 + 2 + Integer.BYTES * 2;

    private RowCodec() {}

    /** A body that does not parse: its row cannot be read, and must be set aside. */
    static final class Damaged extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Damaged(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static byte[] encode(long id, List<StoredMessage> messages) {
        List<byte[]> topics = new ArrayList<>(messages.size());
        long length = 1;
        for (StoredMessage m : messages) {
            byte[] topic = m.message().topic().getBytes(StandardCharsets.UTF_8);
            topics.add(topic);
            length += FIXED + topic.length + m.message().payload().length;
        }
        ByteBuffer body = ByteBuffer.allocate(Math.toIntExact(length)).put(VERSION);
        for (int i = 0; i < messages.size(); i++) {
            StoredMessage m = messages.get(i);
            OutgoingMessage message = m.message();
            byte[] payload = message.payload();
            body.putLong(m.sequence() - id).putLong(m.storedAtMillis()).put((byte) message.qos())
                    .put((byte) (message.retain() ? 1 : 0)).putLong(message.expiry().toMillis())
                    .putInt(topics.get(i).length).put(topics.get(i)).putInt(payload.length).put(payload);
        }
        return body.array();
    }

    static List<StoredMessage> decode(long id, int priority, byte[] bytes) {
        ByteBuffer body = ByteBuffer.wrap(bytes);
        byte version = body.hasRemaining() ? body.get() : -1;
        if (version != VERSION && version != VERSION_1) {
            throw new Damaged("row " + id + " has body format " + version + "; this robmqtt reads formats "
                    + VERSION_1 + " and " + VERSION, null);
        }
        try {
            List<StoredMessage> messages = new ArrayList<>();
            while (body.hasRemaining()) {
                long sequence = id + body.getLong();
                long storedAt = body.getLong();
                int qos = body.get();
                boolean retain = body.get() != 0;
                Duration expiry = version == VERSION_1 ? Duration.ZERO : Duration.ofMillis(body.getLong());
                String topic = new String(bytes(body), StandardCharsets.UTF_8);
                byte[] payload = bytes(body);
                messages.add(new StoredMessage(sequence,
                        new OutgoingMessage(topic, payload, qos, retain, priority, expiry), storedAt));
            }
            return messages;
        } catch (Damaged e) {
            throw new Damaged("row " + id + " of the store has a damaged body: " + e.getMessage(), e);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new Damaged("row " + id + " of the store has a damaged body: " + e, e);
        }
    }

    /** A length, then that many bytes; a length past what the body holds is damage, not an allocation. */
    private static byte[] bytes(ByteBuffer body) {
        int length = body.getInt();
        if (length < 0 || length > body.remaining()) {
            throw new Damaged("a length of " + length + " bytes at offset " + (body.position() - Integer.BYTES)
                    + ", where " + body.remaining() + " bytes are left", null);
        }
        byte[] bytes = new byte[length];
        body.get(bytes);
        return bytes;
    }
}
