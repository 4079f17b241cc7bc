package io.robmqtt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import io.robmqtt.testing.Fuzz;
import io.robmqtt.testing.FuzzText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The row decoder against random and damaged bodies: every body either decodes or is reported as
 * {@link RowCodec.Damaged} (the store then sets the row aside), never another exception, and never an allocation
 * of a length the body does not hold.
 */
class RowCodecFuzzTest {
    private static final long ID = 1_000;

    @Test
    void randomBytesDecodeOrAreDamaged() {
        Fuzz.check("random row bodies", 20_000, random -> {
            byte[] body = new byte[random.nextInt(200)];
            random.nextBytes(body);
            if (body.length > 0 && random.nextBoolean()) {
                body[0] = (byte) (1 + random.nextInt(2)); // a known format, so that decoding gets further
            }
            return body;
        }, body -> decodesOrIsDamaged(5, body));
    }

    @Test
    void rowsWithFlippedBitsDecodeOrAreDamaged() {
        Fuzz.check("bit-flipped rows", 20_000, random -> {
            byte[] body = RowCodec.encode(ID, messages(random));
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                int bit = random.nextInt(body.length * 8);
                body[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            return body;
        }, body -> decodesOrIsDamaged(5, body));
    }

    @Test
    void aTruncatedRowIsDamagedOrTheMessagesBeforeTheCut() {
        Fuzz.check("truncated rows", 5_000, random -> {
            List<StoredMessage> messages = messages(random);
            byte[] body = RowCodec.encode(ID, messages);
            return new Cut(messages, Arrays.copyOf(body, 1 + random.nextInt(body.length - 1)));
        }, cut -> {
            Throwable thrown = catchThrowable(() -> {
                List<StoredMessage> decoded = RowCodec.decode(ID, 5, cut.body());
                assertThat(decoded).as("a cut between two messages").hasSizeLessThan(cut.whole().size())
                        .isEqualTo(cut.whole().subList(0, decoded.size()));
            });
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(RowCodec.Damaged.class);
            }
        });
    }

    /** The messages encoded, and their body cut short. */
    private record Cut(List<StoredMessage> whole, byte[] body) {
        @Override
        public String toString() {
            return whole.size() + " messages cut to " + FuzzText.describe(body);
        }
    }

    @Test
    void aRowWithAPriorityOutOfRangeIsDamaged() {
        Fuzz.check("row priorities", 2_000, random -> random.nextBoolean() ? -random.nextInt(1000)
                : 11 + random.nextInt(1000), priority -> assertThat(catchThrowable(
                        () -> RowCodec.decode(ID, priority, RowCodec.encode(ID, messages(new Random(priority))))))
                        .isInstanceOf(RowCodec.Damaged.class));
    }

    @Test
    void whatIsEncodedDecodesUnchanged() {
        Fuzz.check("row round trip", 5_000, RowCodecFuzzTest::messages,
                messages -> assertThat(RowCodec.decode(ID, 5, RowCodec.encode(ID, messages))).isEqualTo(messages));
    }

    private static void decodesOrIsDamaged(int priority, byte[] body) {
        Throwable thrown = catchThrowable(() -> {
            for (StoredMessage m : RowCodec.decode(ID, priority, body)) {
                assertThat(m.message().priority()).isEqualTo(priority);
            }
        });
        if (thrown != null) {
            assertThat(thrown).isInstanceOf(RowCodec.Damaged.class);
            assertThat(thrown.getMessage()).contains("row " + ID);
        }
    }

    private static List<StoredMessage> messages(Random random) {
        List<StoredMessage> messages = new ArrayList<>();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            StringBuilder topic = new StringBuilder("t/"
                    + FuzzText.wellFormed(random, 4).replaceAll("[+#\u0000]", "x"));
            for (int c = 0; c < topic.length(); c++) { // what MQTT clients refuse, OutgoingMessage refuses
                if (OutgoingMessage.refusedByMqttClients(topic.charAt(c))) {
                    topic.setCharAt(c, 'x');
                }
            }
            byte[] payload = new byte[random.nextInt(40)];
            random.nextBytes(payload);
            Duration expiry = random.nextBoolean() ? Duration.ZERO : Duration.ofMillis(1 + random.nextInt(1_000_000));
            messages.add(new StoredMessage(ID + messages.size() + 1,
                    new OutgoingMessage(topic.toString(), payload, random.nextInt(3), random.nextBoolean(), 5, expiry),
                    random.nextLong() & Long.MAX_VALUE));
        }
        return messages;
    }
}
