package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A row's body decodes to what was encoded, and a damaged one is reported as damaged, never trusted. */
class RowCodecTest {
    private static final long ID = 100;
    /** Where the first message's topic length sits: version, sequence, stored at, QoS, retain, expiry. */
    private static final int TOPIC_LENGTH = 1 + Long.BYTES * 3 + 2;

    private static byte[] body() {
        return RowCodec.encode(ID, List.of(
                new StoredMessage(ID + 1, new OutgoingMessage("a/b", "one".getBytes(StandardCharsets.UTF_8), 1, false, 5), 7),
                new StoredMessage(ID + 2, new OutgoingMessage("c", new byte[] {2}, 2, true, 5, Duration.ofMillis(90_061)), 8)));
    }

    @Test
    void whatIsEncodedDecodes() {
        List<StoredMessage> decoded = RowCodec.decode(ID, 5, body());
        assertThat(decoded).extracting(m -> m.message().topic()).containsExactly("a/b", "c");
        assertThat(decoded).extracting(StoredMessage::sequence).containsExactly(ID + 1, ID + 2);
        assertThat(decoded.get(1).message().retain()).isTrue();
        assertThat(decoded).extracting(m -> m.message().expiry()).containsExactly(Duration.ZERO, Duration.ofMillis(90_061));
    }

    @Test
    void aBodyOfTheFirstFormatDecodesWithoutExpiry() {
        byte[] topic = "a/b".getBytes(StandardCharsets.UTF_8);
        ByteBuffer first = ByteBuffer.allocate(1 + Long.BYTES * 2 + 2 + Integer.BYTES * 2 + topic.length + 2)
                .put((byte) 1).putLong(1).putLong(7).put((byte) 1).put((byte) 0).putInt(topic.length).put(topic)
                .putInt(2).put(new byte[] {4, 2});
        List<StoredMessage> decoded = RowCodec.decode(ID, 5, first.array());
        assertThat(decoded).singleElement().satisfies(m -> {
            assertThat(m.sequence()).isEqualTo(ID + 1);
            assertThat(m.storedAtMillis()).isEqualTo(7);
            assertThat(m.message()).isEqualTo(new OutgoingMessage("a/b", new byte[] {4, 2}, 1, false, 5));
        });
    }

    @Test
    void aLengthPastTheEndIsDamageAndAllocatesNothing() {
        byte[] body = body();
        ByteBuffer.wrap(body).putInt(TOPIC_LENGTH, Integer.MAX_VALUE - 8); // one flipped length: 2 GiB
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThatThrownBy(() -> RowCodec.decode(ID, 5, body)).isInstanceOf(RowCodec.Damaged.class)
                .hasMessageContaining("row " + ID).hasMessageContaining("a length of " + (Integer.MAX_VALUE - 8));
        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated to decode the damaged row")
                .isLessThan(1 << 20);
    }

    @Test
    void aNegativeLengthAndAnUnknownFormatAreDamage() {
        byte[] negative = body();
        ByteBuffer.wrap(negative).putInt(TOPIC_LENGTH, -3);
        assertThatThrownBy(() -> RowCodec.decode(ID, 5, negative)).isInstanceOf(RowCodec.Damaged.class);
        byte[] format = body();
        format[0] = 9;
        assertThatThrownBy(() -> RowCodec.decode(ID, 5, format)).isInstanceOf(RowCodec.Damaged.class)
                .hasMessageContaining("body format 9");
        assertThatThrownBy(() -> RowCodec.decode(ID, 5, new byte[0])).isInstanceOf(RowCodec.Damaged.class);
    }

    @Test
    void aTruncatedBodyIsDamage() {
        byte[] body = body();
        byte[] truncated = java.util.Arrays.copyOf(body, body.length - 1);
        assertThatThrownBy(() -> RowCodec.decode(ID, 5, truncated)).isInstanceOf(RowCodec.Damaged.class);
    }
}
