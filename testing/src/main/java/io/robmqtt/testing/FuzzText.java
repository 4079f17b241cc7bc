package io.robmqtt.testing;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Strings that break text handling: MQTT levels and wildcards, characters of one to four bytes in UTF-8,
 * surrogates without their pair, U+0000, and strings whose UTF-8 length lies just around a limit.
 */
public final class FuzzText {
    private static final List<String> SPECIAL = List.of("/", "/", "+", "#", "\u0000", "$", "$share/", "//", " ",
            "\n", "%", "'", "\"", "\\", "=");

    private FuzzText() {}

    /** Text of up to {@code pieces} pieces: ASCII words, MQTT separators and wildcards, other characters. */
    public static String text(Random random, int pieces) {
        StringBuilder text = new StringBuilder();
        int count = random.nextInt(pieces + 1);
        for (int i = 0; i < count; i++) {
            text.append(piece(random));
        }
        return text.toString();
    }

    /** As {@link #text(Random, int)}, but never with a surrogate that lacks its pair. */
    public static String wellFormed(Random random, int pieces) {
        String text;
        do {
            text = text(random, pieces);
        } while (!isWellFormed(text));
        return text;
    }

    private static String piece(Random random) {
        int kind = random.nextInt(20);
        if (kind < 8) {
            char[] word = new char[random.nextInt(6)];
            for (int i = 0; i < word.length; i++) {
                word[i] = (char) ('a' + random.nextInt(26));
            }
            return new String(word);
        }
        if (kind < 13) {
            return SPECIAL.get(random.nextInt(SPECIAL.size()));
        }
        if (kind < 15) {
            return String.valueOf((char) (0x80 + random.nextInt(0x800 - 0x80))); // two bytes in UTF-8
        }
        if (kind < 17) {
            return String.valueOf((char) (0x800 + random.nextInt(0xD800 - 0x800))); // three bytes
        }
        if (kind < 19) {
            return Character.toString(0x10000 + random.nextInt(0x10FFFF - 0x10000 + 1)); // four bytes: a pair
        }
        return String.valueOf((char) (0xD800 + random.nextInt(0x800))); // a surrogate alone
    }

    /**
     * ASCII letters followed by one character of one to four UTF-8 bytes, {@code limit} bytes long give or take
     * {@code spread}: the lengths where an off-by-one in a byte count shows.
     */
    public static String aroundUtf8Length(Random random, int limit, int spread) {
        int target = limit - spread + random.nextInt(2 * spread + 1);
        String last = switch (random.nextInt(4)) {
            case 0 -> "a";
            case 1 -> "\u00e9";
            case 2 -> "\u20ac";
            default -> "\ud83d\ude00";
        };
        int width = utf8Length(last);
        return "a".repeat(Math.max(0, target - width)) + last;
    }

    /** Whether every surrogate in {@code text} is half of a pair: what UTF-8 can encode. */
    public static boolean isWellFormed(String text) {
        return utf8Length(text) >= 0;
    }

    /** The length of {@code text} in UTF-8, strictly encoded; -1 where it has a surrogate without its pair. */
    public static int utf8Length(String text) {
        try {
            return StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(text)).remaining();
        } catch (CharacterCodingException e) {
            return -1;
        }
    }

    /** A value as a failure message shows it: control and non-ASCII characters escaped, long text cut. */
    public static String describe(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes.length + " bytes " + Arrays.toString(Arrays.copyOf(bytes, Math.min(bytes.length, 64)))
                    + (bytes.length > 64 ? "..." : "");
        }
        String text = String.valueOf(value);
        StringBuilder shown = new StringBuilder("\"");
        for (int i = 0; i < text.length() && shown.length() < 300; i++) {
            char c = text.charAt(i);
            shown.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return shown.append(text.length() > 300 ? "...\" (" + text.length() + " chars)" : "\"").toString();
    }
}
