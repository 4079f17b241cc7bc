package io.robmqtt.client;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.common.LogValue;
import java.nio.charset.StandardCharsets;

/**
 * An MQTT 3.1.1 topic filter, validated, and the one matcher of topics against it. {@code +} matches exactly
 * one level; {@code #}, last, matches any number of levels including none ({@code sensors/#} matches
 * {@code sensors}); a topic starting with {@code $} is not matched by a filter starting with a wildcard. A
 * shared subscription {@code $share/group/filter} is sent to the broker as it is and matched on its filter part.
 * The filter's levels are split once, here, not for every message.
 */
final class TopicFilter {
    private static final String SHARE = "$share/";

    private final String subscribed;
    private final String matching;
    private final String[] levels;

    private TopicFilter(String subscribed, String matching) {
        this.subscribed = subscribed;
        this.matching = matching;
        this.levels = matching.split("/", -1);
    }

    /** What is sent to the broker in SUBSCRIBE. */
    String subscribed() {
        return subscribed;
    }

    /** The part topics are matched against. */
    String matching() {
        return matching;
    }

    static TopicFilter parse(String filter) {
        if (filter == null || filter.isEmpty()) {
            throw new IllegalArgumentException("topic filter must not be empty");
        }
        if (filter.getBytes(StandardCharsets.UTF_8).length > 65_535) {
            throw new IllegalArgumentException("topic filter is longer than 65535 UTF-8 bytes");
        }
        if (filter.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("topic filter '" + filter + "' contains U+0000");
        }
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (Character.isSurrogate(c)) {
                boolean paired = Character.isHighSurrogate(c) && i + 1 < filter.length()
                        && Character.isLowSurrogate(filter.charAt(i + 1));
                if (!paired) {
                    throw new IllegalArgumentException("topic filter " + LogValue.of(filter) + " has an unpaired "
                            + "surrogate at index " + i + "; a filter must be well-formed UTF-16");
                }
                i++;
                continue;
            }
            if (OutgoingMessage.refusedByMqttClients(c)) {
                throw new IllegalArgumentException(String.format("topic filter %s contains U+%04X at index %d; a "
                        + "filter must not contain control characters or the non-characters U+FDD0 to U+FDDF, "
                        + "U+FFFE and U+FFFF, which MQTT clients and brokers refuse", LogValue.of(filter),
                        (int) filter.charAt(i), i));
            }
        }
        String matching = filter;
        if (filter.startsWith(SHARE)) {
            int slash = filter.indexOf('/', SHARE.length());
            String group = slash < 0 ? "" : filter.substring(SHARE.length(), slash);
            if (group.isEmpty() || group.contains("+") || group.contains("#")) {
                throw new IllegalArgumentException("shared subscription '" + filter
                        + "' must be $share/<group>/<filter> with a group name without '/', '+' or '#'");
            }
            matching = filter.substring(slash + 1);
            if (matching.isEmpty()) {
                throw new IllegalArgumentException("shared subscription '" + filter + "' has no filter after its group");
            }
        }
        checkLevels(filter, matching);
        return new TopicFilter(filter, matching);
    }

    private static void checkLevels(String filter, String matching) {
        String[] levels = matching.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                throw new IllegalArgumentException("topic filter '" + filter
                        + "': '#' must be a whole level and the last one");
            }
            if (level.contains("+") && !level.equals("+")) {
                throw new IllegalArgumentException("topic filter '" + filter + "': '+' must be a whole level");
            }
        }
    }

    /** Whether a message published on {@code topic} matches this filter. */
    boolean matches(String topic) {
        String[] topicLevels = topic.split("/", -1);
        if (topic.startsWith("$") && (levels[0].equals("+") || levels[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("#")) {
                return true;
            }
            if (i >= topicLevels.length || !(level.equals("+") || level.equals(topicLevels[i]))) {
                return false;
            }
        }
        return levels.length == topicLevels.length;
    }
}
