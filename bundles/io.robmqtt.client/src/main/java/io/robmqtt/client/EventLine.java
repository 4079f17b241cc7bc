package io.robmqtt.client;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * One line of robmqtt's events (the original's {@code log_event}): a message on the events logger whose fields
 * travel in the MDC for that one call. Only SLF4J 1.7 API, so the same bundle logs on SLF4J 1.7 (Eclipse Kura, with
 * Log4j's ThreadContext) and 2 (the Felix gateway's Logback, whose JsonEncoder writes the fields under {@code mdc}
 * in robmqtt-metrics.jsonl).
 */
final class EventLine {
    private EventLine() {}

    /** Logs {@code event} at INFO with these fields, given as name, value, name, value, ... */
    static void info(Logger events, String event, Object... fields) {
        if (events.isInfoEnabled()) {
            withFields(event, fields, () -> events.info(event));
        }
    }

    /** Logs {@code event} at WARN with these fields, given as name, value, name, value, ... */
    static void warn(Logger events, String event, Object... fields) {
        if (events.isWarnEnabled()) {
            withFields(event, fields, () -> events.warn(event));
        }
    }

    private static void withFields(String event, Object[] fields, Runnable line) {
        Map<String, String> previous = MDC.getCopyOfContextMap();
        try {
            MDC.put("event", event);
            for (int i = 0; i + 1 < fields.length; i += 2) {
                MDC.put(String.valueOf(fields[i]), String.valueOf(fields[i + 1]));
            }
            line.run();
        } finally {
            // the thread's own MDC as it was: these fields belong to this line only
            if (previous == null) {
                MDC.clear();
            } else {
                MDC.setContextMap(previous);
            }
        }
    }
}
