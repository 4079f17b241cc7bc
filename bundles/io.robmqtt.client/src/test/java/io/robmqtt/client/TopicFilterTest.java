package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicFilterTest {

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
        // exact
        "sensors/temperature | sensors/temperature | true",
        "sensors/temperature | sensors/humidity | false",
        "sensors/temperature | sensors/temperature/room1 | false",
        "sensors/temperature/room1 | sensors/temperature | false",
        "a | a | true",
        "a | b | false",
        // + matches exactly one level
        "sensors/+/temperature | sensors/room1/temperature | true",
        "sensors/+/temperature | sensors/room2/temperature | true",
        "sensors/+/temperature | sensors/room1/floor2/temperature | false",
        "sensors/+/temperature | sensors/temperature | false",
        "sensors/+ | sensors/room1 | true",
        "sensors/+ | sensors/room1/x | false",
        "sensors/+ | sensors | false",
        "+ | sensors | true",
        "+ | sensors/room1 | false",
        "+/+ | a/b | true",
        "+/+ | / | true",
        "+/b | /b | true",
        "sensors/+ | sensors/ | true",
        // # matches the rest, including nothing
        "devices/# | devices/001 | true",
        "devices/# | devices/001/status | true",
        "devices/# | devices/001/sensors/temp | true",
        "devices/# | devices | true",
        "devices/# | device | false",
        "devices/# | other/001 | false",
        "# | anything/at/all | true",
        "# | a | true",
        "sensors/+/# | sensors/room1 | true",
        "sensors/+/# | sensors/room1/temp/x | true",
        "sensors/+/# | sensors | false",
        // topics starting with $ are not matched by a leading wildcard
        "# | $SYS/broker/uptime | false",
        "+/broker/uptime | $SYS/broker/uptime | false",
        "$SYS/# | $SYS/broker/uptime | true",
        "$SYS/broker/+ | $SYS/broker/uptime | true",
        "sensors/# | sensors/$internal | true",
        // shared subscriptions match on their filter part
        "$share/group1/sensors/+ | sensors/room1 | true",
        "$share/group1/sensors/+ | group1/sensors/room1 | false",
        "$share/g/# | a/b | true",
        "$share/g/# | $SYS/x | false",
        // case matters; empty levels are levels
        "Sensors | sensors | false",
        "a//b | a//b | true",
        "a//b | a/b | false"
    })
    void matchesAsMqtt311Says(String filter, String topic, boolean matches) {
        assertThat(TopicFilter.parse(filter).matches(topic)).isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/#/b", "a+", "#a", "a/b#", "+a/b", "a/+b", "##", "$share/g", "$share//x",
        "$share/g+/x", "$share/g/"})
    void refusesInvalidFilters(String filter) {
        assertThatIllegalArgumentException().isThrownBy(() -> TopicFilter.parse(filter))
                .withMessageContaining("'" + filter + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/\nforged event=x", "a/\u0007", "\u009f/#", "$share/g/a\ufffe"})
    void refusesCharactersThatMqttClientsRefuseAndQuotesTheFilterEscaped(String filter) {
        assertThatIllegalArgumentException().isThrownBy(() -> TopicFilter.parse(filter))
                .withMessageContaining("MQTT clients and brokers refuse").withMessageNotContaining("\n")
                .withMessageContaining(String.format("U+%04X", filter.chars().filter(c -> c < 0x20 || c >= 0x7f
                        && c <= 0x9f || c == 0xfffe).findFirst().getAsInt()));
    }

    @ParameterizedTest
    @ValueSource(strings = {""})
    void refusesAnEmptyFilter(String filter) {
        assertThatIllegalArgumentException().isThrownBy(() -> TopicFilter.parse(filter))
                .withMessageContaining("must not be empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"$share/group/sensors/#"})
    void aSharedSubscriptionIsSentWholeAndMatchedOnItsFilter(String filter) {
        TopicFilter parsed = TopicFilter.parse(filter);
        assertThat(parsed.subscribed()).isEqualTo(filter);
        assertThat(parsed.matching()).isEqualTo("sensors/#");
    }
}
