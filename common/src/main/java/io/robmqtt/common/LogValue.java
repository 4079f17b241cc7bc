package io.robmqtt.common;

/**
 * A value as it goes into robmqtt's {@code key=value} log lines and exception messages. Topics, filters, client
 * ids, paths and the messages of exceptions come from brokers, other applications and configuration: a newline
 * in a topic must not start a forged log line, nor a quote or a space end a value early. A value made only of
 * letters, digits and {@code - _ . / : @ + # $ ~ , ;} is written as it is; any other is quoted, with
 * {@code \} {@code "} and control characters escaped ({@code \n}, {@code \r}, {@code \t}, {@code \\uXXXX}). The
 * escaping is done here rather than by the logging backend, so it holds on Logback, pax-logging and Log4j alike.
 */
public final class LogValue {
    private LogValue() {}

    /** The value as a log line's {@code key=value} takes it; {@code null} as {@code null}. */
    public static String of(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        if (!text.isEmpty() && text.chars().allMatch(LogValue::plain)) {
            return text;
        }
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    private static boolean plain(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-_./:@+#$~,;".indexOf(c) >= 0;
    }
}
