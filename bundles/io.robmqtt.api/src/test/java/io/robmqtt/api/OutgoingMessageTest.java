package io.robmqtt.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutgoingMessageTest {

    private static OutgoingMessage message(String topic, int qos, int priority) {
        return new OutgoingMessage(topic, new byte[] {1}, qos, false, priority);
    }

    @Test
    void acceptsAValidMessage() {
        OutgoingMessage m = message("sensors/temperature", 1, 5);
        assertThat(m.topic()).isEqualTo("sensors/temperature");
        assertThat(m.sizeBytes()).isEqualTo("sensors/temperature".length() + 1);
    }

    @Test
    void refusesEmptyAndNullTopics() {
        assertThatIllegalArgumentException().isThrownBy(() -> message("", 0, 1)).withMessageContaining("topic");
        assertThatIllegalArgumentException().isThrownBy(() -> message(null, 0, 1)).withMessageContaining("topic");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/+/b", "a/#", "+", "#", "sensors+"})
    void refusesWildcardsInTopics(String topic) {
        assertThatIllegalArgumentException().isThrownBy(() -> message(topic, 0, 1))
                .withMessageContaining("topic '" + topic + "'")
                .withMessageContaining("must not contain '+' or '#'");
    }

    @Test
    void refusesTheNullCharacter() {
        assertThatIllegalArgumentException().isThrownBy(() -> message("a\u0000b", 0, 1))
                .withMessageContaining("U+0000");
    }

    @Test
    void refusesAnUnpairedSurrogate() {
        assertThatIllegalArgumentException().isThrownBy(() -> message("a\uD800b", 0, 1))
                .withMessageContaining("unpaired surrogate");
    }

    @Test
    void topicLengthIsCountedInUtf8BytesAtTheBoundary() {
        String atLimit = "é".repeat(32_767) + "a"; // 2 * 32,767 + 1 = 65,535 bytes
        assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(65_535);
        assertThat(message(atLimit, 0, 1).topic()).isEqualTo(atLimit);

        String overLimit = atLimit + "a";
        assertThatIllegalArgumentException().isThrownBy(() -> message(overLimit, 0, 1))
                .withMessageContaining("65536 bytes").withMessageContaining("at most 65535");
    }

    @Test
    void supplementaryCharactersCountFourBytes() {
        assertThat(new OutgoingMessage("\uD83D\uDE00", new byte[0], 0, false, 1).sizeBytes()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(ints = {-1, 3, 128})
    void refusesQosOutsideZeroToTwo(int qos) {
        assertThatIllegalArgumentException().isThrownBy(() -> message("t", qos, 1))
                .withMessageContaining("qos is " + qos);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 11, -5})
    void refusesPriorityOutsideOneToTen(int priority) {
        assertThatIllegalArgumentException().isThrownBy(() -> message("t", 0, priority))
                .withMessageContaining("priority is " + priority).withMessageContaining("from 1");
    }

    @Test
    void acceptsTheBoundariesOfQosAndPriority() {
        assertThat(message("t", 0, 1).priority()).isEqualTo(1);
        assertThat(message("t", 2, 10).qos()).isEqualTo(2);
    }

    @Test
    void refusesANullPayload() {
        assertThatIllegalArgumentException().isThrownBy(() -> new OutgoingMessage("t", null, 0, false, 1))
                .withMessageContaining("payload");
    }

    @Test
    void copiesThePayloadAndKeepsItOutOfToString() {
        byte[] payload = "secret-reading".getBytes(StandardCharsets.UTF_8);
        OutgoingMessage m = new OutgoingMessage("t", payload, 0, false, 1);
        payload[0] = 'X';
        assertThat(m.payload()[0]).isEqualTo((byte) 's');
        assertThat(m.toString()).doesNotContain("secret").contains("payloadBytes=14");
        assertThat(m).isEqualTo(new OutgoingMessage("t", "secret-reading".getBytes(StandardCharsets.UTF_8), 0,
                false, 1));
    }

    @Test
    void anExpiryIsZeroForTheConnectionsOrFromOneMillisecondToTenYears() {
        assertThat(message("t", 0, 1).expiry()).isZero();
        assertThat(new OutgoingMessage("t", new byte[0], 0, false, 1, java.time.Duration.ofMinutes(1)).expiry())
                .isEqualTo(java.time.Duration.ofMinutes(1));
        for (java.time.Duration bad : new java.time.Duration[] {java.time.Duration.ofSeconds(-1),
                java.time.Duration.ofDays(3651), java.time.Duration.ofNanos(1_500_000)}) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new OutgoingMessage("t", new byte[0], 0, false, 1, bad))
                    .withMessageContaining("expiry is " + bad).withMessageContaining("3650 days");
        }
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new OutgoingMessage("t", new byte[0], 0, false, 1, null))
                .withMessageContaining("expiry is null");
    }

    @Test
    void refusesCharactersThatMqttClientsAndBrokersRefuse() {
        for (char c : new char[] {'\n', '\r', '\u0001', '\u001f', '\u007f', '\u0085', '\u009f', '\ufdd0', '\ufffe',
                '\uffff'}) {
            assertThatIllegalArgumentException().isThrownBy(() -> message("a/" + c, 0, 1))
                    .withMessageContaining(String.format("U+%04X at index 2", (int) c));
        }
        assertThat(message("a/\u00a0\ufdef\u20ac", 0, 1).topic()).as("what clients accept").endsWith("\u20ac");
    }
}
