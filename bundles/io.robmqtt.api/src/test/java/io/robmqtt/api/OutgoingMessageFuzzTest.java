package io.robmqtt.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.robmqtt.testing.Fuzz;
import io.robmqtt.testing.FuzzText;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Topic validation against generated topics: a topic is accepted exactly when MQTT allows it (not empty, no
 * wildcard, no U+0000, no character MQTT clients refuse, well-formed UTF-8 of at most 65,535 bytes), and refused
 * with an {@link IllegalArgumentException} that names the rule otherwise, never another exception.
 */
class OutgoingMessageFuzzTest {
    private static final byte[] PAYLOAD = {1, 2, 3};

    @Test
    void aTopicIsAcceptedExactlyWhenMqttAllowsIt() {
        Fuzz.check("topic validation", 20_000, random -> FuzzText.text(random, 12), OutgoingMessageFuzzTest::check);
    }

    @Test
    void topicsAroundTheLengthLimitAreMeasuredInUtf8Bytes() {
        Fuzz.check("topic length", 400, OutgoingMessageFuzzTest::nearLimit, OutgoingMessageFuzzTest::check);
    }

    /** A topic of about 65,535 UTF-8 bytes, sometimes with a character that breaks another rule put in. */
    private static String nearLimit(Random random) {
        String topic = FuzzText.aroundUtf8Length(random, OutgoingMessage.MAX_TOPIC_BYTES, 4);
        if (random.nextInt(4) == 0) {
            int at = random.nextInt(topic.length());
            String bad = FuzzText.text(random, 2);
            topic = topic.substring(0, at) + bad + topic.substring(at);
        }
        return topic;
    }

    private static void check(String topic) {
        List<String> phrases = brokenRules(topic);
        Throwable thrown = catchThrowable(() -> new OutgoingMessage(topic, PAYLOAD, 1, false, 5));
        if (phrases.isEmpty()) {
            assertThat(thrown).as("a topic MQTT allows").isNull();
            OutgoingMessage message = new OutgoingMessage(topic, PAYLOAD, 1, false, 5);
            assertThat(message.sizeBytes()).isEqualTo(FuzzText.utf8Length(topic) + PAYLOAD.length);
        } else {
            assertThat(thrown).as("a topic that breaks " + phrases).isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(thrown.getMessage()).contains("topic").containsAnyOf(phrases.toArray(String[]::new));
        }
    }

    /**
     * The rules {@code topic} breaks, each as the phrase its error must hold (a topic that breaks several may be
     * refused for any of them); none for a topic MQTT 3.1.1 allows. Computed apart from the code under test.
     */
    private static List<String> brokenRules(String topic) {
        List<String> phrases = new ArrayList<>();
        if (topic.isEmpty()) {
            phrases.add("must not be empty");
        }
        if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            phrases.add("must not contain '+' or '#'");
        }
        if (topic.indexOf('\u0000') >= 0) {
            phrases.add("forbids the null character");
        }
        if (topic.chars().anyMatch(c -> c > 0 && c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0xfdd0 && c <= 0xfddf
                || c == 0xfffe || c == 0xffff)) {
            phrases.add("MQTT clients and brokers refuse"); // Paho and Mosquitto refuse these characters
        }
        int bytes = FuzzText.utf8Length(topic);
        if (bytes < 0) {
            phrases.add("unpaired surrogate");
        } else if (bytes > OutgoingMessage.MAX_TOPIC_BYTES) {
            phrases.add("MQTT allows at most 65535");
        }
        return phrases;
    }
}
