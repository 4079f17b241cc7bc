package io.robmqtt.itest;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4: every line must be a HELP, a TYPE, or a sample
 * of a family whose TYPE came first, or it fails. (No Java library parses this format; the clients only write it.)
 */
final class PrometheusText {
    private static final Pattern HELP = Pattern.compile("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|untyped|summary|histogram)");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? (\\S+)( -?\\d+)?");

    /** Sample values by their series ("name{labels}"), and the type of each family. */
    final Map<String, Double> samples = new HashMap<>();
    final Map<String, String> types = new HashMap<>();

    PrometheusText(String text) {
        Set<String> helped = new HashSet<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                helped.add(m.group(1));
            } else if ((m = TYPE.matcher(line)).matches()) {
                types.put(m.group(1), m.group(2));
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String family = family(m.group(1));
                if (!types.containsKey(family) || !helped.contains(family)) {
                    throw new AssertionError("a sample before its # HELP and # TYPE: " + line);
                }
                String labels = m.group(2) == null ? "" : m.group(2).replace(",}", "}"); // a trailing comma is allowed
                samples.put(m.group(1) + labels, Double.parseDouble(m.group(3)));
            } else {
                throw new AssertionError("not Prometheus text format: " + line);
            }
        }
    }

    private String family(String sample) {
        for (String suffix : new String[] {"_total", "_created", ""}) {
            if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
                return sample.substring(0, sample.length() - suffix.length());
            }
        }
        return sample;
    }
}
