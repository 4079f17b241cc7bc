package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.robmqtt.testing.Fuzz;
import io.robmqtt.testing.FuzzText;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Filter validation against generated filters: a filter is accepted exactly when MQTT 3.1.1 allows it, and
 * refused with an {@link IllegalArgumentException} naming the filter's rule otherwise; matching never throws.
 */
class TopicFilterFuzzTest {

    @Test
    void aFilterIsAcceptedExactlyWhenMqttAllowsIt() {
        Fuzz.check("filter validation", 20_000, random -> FuzzText.wellFormed(random, 10), TopicFilterFuzzTest::check);
    }

    @Test
    void filtersAroundTheLengthLimitAreMeasuredInUtf8Bytes() {
        Fuzz.check("filter length", 400, TopicFilterFuzzTest::nearLimit, TopicFilterFuzzTest::check);
    }

    /**
     * MQTT 3.1.1 (1.5.3): a UTF-8 string must not hold the code points U+D800 to U+DFFF, and a Java string with a
     * surrogate alone has no UTF-8 form at all ({@code getBytes} makes it '?', so the broker would get another
     * filter): {@link TopicFilter#parse} refuses it.
     */
    @Test
    void aFilterWithASurrogateAloneIsRefused() {
        Fuzz.check("filter surrogates", 5_000, random -> FuzzText.text(random, 10), TopicFilterFuzzTest::check);
    }

    @Test
    void matchingAnyTopicAgainstAnyAcceptedFilterNeverThrows() {
        Fuzz.check("filter matching", 20_000, random -> List.of(FuzzText.wellFormed(random, 6),
                FuzzText.text(random, 6)), pair -> {
                    TopicFilter filter;
                    try {
                        filter = TopicFilter.parse(pair.get(0));
                    } catch (IllegalArgumentException refused) {
                        return;
                    }
                    filter.matches(pair.get(1));
                    if (brokenRules(pair.get(0)).isEmpty() && !pair.get(0).contains("+") && !pair.get(0).contains("#")
                            && !pair.get(0).startsWith("$share/")) {
                        assertThat(filter.matches(pair.get(0))).as("a filter without wildcards matches itself").isTrue();
                    }
                });
    }

    private static String nearLimit(Random random) {
        String filter = FuzzText.aroundUtf8Length(random, 65_535, 4);
        return random.nextBoolean() ? filter : "a/+/" + filter.substring(Math.min(4, filter.length())) + "/#";
    }

    private static void check(String filter) {
        List<String> phrases = brokenRules(filter);
        Throwable thrown = catchThrowable(() -> TopicFilter.parse(filter));
        if (phrases.isEmpty()) {
            assertThat(thrown).as("a filter MQTT allows").isNull();
            assertThat(TopicFilter.parse(filter).subscribed()).isEqualTo(filter);
        } else {
            assertThat(thrown).as("a filter that breaks " + phrases).isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(thrown.getMessage()).containsAnyOf("topic filter", "shared subscription")
                    .containsAnyOf(phrases.toArray(String[]::new));
        }
    }

    /**
     * The rules {@code filter} breaks, each as the phrase its error must hold; none for a filter MQTT 3.1.1
     * allows (with {@code $share/group/filter} for a shared subscription). Computed apart from the code under test.
     */
    private static List<String> brokenRules(String filter) {
        List<String> phrases = new ArrayList<>();
        if (filter.isEmpty()) {
            phrases.add("must not be empty");
            return phrases;
        }
        int bytes = FuzzText.utf8Length(filter);
        if (bytes < 0) {
            phrases.add("surrogate");
        } else if (bytes > 65_535) {
            phrases.add("longer than 65535 UTF-8 bytes");
        }
        if (filter.indexOf('\u0000') >= 0) {
            phrases.add("U+0000");
        }
        if (filter.chars().anyMatch(c -> c > 0 && c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0xfdd0 && c <= 0xfddf
                || c == 0xfffe || c == 0xffff)) {
            phrases.add("MQTT clients and brokers refuse"); // Paho and Mosquitto refuse these characters
        }
        String matching = filter;
        if (filter.startsWith("$share/")) {
            int slash = filter.indexOf('/', "$share/".length());
            String group = slash < 0 ? "" : filter.substring("$share/".length(), slash);
            if (group.isEmpty() || group.contains("+") || group.contains("#")) {
                phrases.add("$share/<group>/<filter>");
                return phrases;
            }
            matching = filter.substring(slash + 1);
            if (matching.isEmpty()) {
                phrases.add("has no filter after its group");
                return phrases;
            }
        }
        String[] levels = matching.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].contains("#") && (!levels[i].equals("#") || i != levels.length - 1)) {
                phrases.add("'#' must be a whole level and the last one");
            }
            if (levels[i].contains("+") && !levels[i].equals("+")) {
                phrases.add("'+' must be a whole level");
            }
        }
        return phrases;
    }
}
