package io.robmqtt.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Values from outside cannot forge or cut a key=value log line. */
class LogValueTest {
    @Test
    void aPlainValueIsWrittenAsItIs() {
        assertThat(LogValue.of("sensors/line-1/temp")).isEqualTo("sensors/line-1/temp");
        assertThat(LogValue.of("tcp://127.0.0.1:1883")).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(LogValue.of("$share/group/a/+/#")).isEqualTo("$share/group/a/+/#");
        assertThat(LogValue.of(42)).isEqualTo("42");
        assertThat(LogValue.of(null)).isEqualTo("null");
    }

    @Test
    void aNewlineCannotStartAForgedLine() {
        String forged = "a/b\n2026-12-06 12:00:00 INFO event=connected connection=admin";
        assertThat(LogValue.of(forged)).doesNotContain("\n")
                .isEqualTo("\"a/b\\n2026-12-06 12:00:00 INFO event=connected connection=admin\"");
        assertThat(LogValue.of("x\r\u0000\u2028y")).isEqualTo("\"x\\r\\u0000\\u2028y\"");
    }

    @Test
    void quotesSpacesAndEqualsSignsCannotEndAValueEarly() {
        assertThat(LogValue.of("a b")).isEqualTo("\"a b\"");
        assertThat(LogValue.of("x\" level=ERROR")).isEqualTo("\"x\\\" level=ERROR\"");
        assertThat(LogValue.of("c:\\dir")).isEqualTo("\"c:\\\\dir\"");
        assertThat(LogValue.of("")).isEqualTo("\"\"");
        assertThat(LogValue.of("k=v")).isEqualTo("\"k=v\"");
    }
}
