package io.robmqtt.itest;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The configuration reference, {@value #REFERENCE}, cannot drift from the metatype the bundles are built with:
 * every PID has a section whose heading names it first (in backquotes), whose first table has a row for every
 * attribute with its default, and no row names a property that does not exist.
 */
class ConfigurationReferenceTest {
    private static final Pattern NAME = Pattern.compile("`([^`]+)`");
    private static final String REQUIRED = "**required**";
    /** The configuration reference, relative to the repository. */
    private static final String REFERENCE = "docs/configuration.md";

    @Test
    void everyMetatypeAttributeIsInTheReferenceWithItsDefault() throws Exception {
        Path repo = Path.of(System.getProperty("robmqtt.repo", "missing"));
        List<String> reference = Files.readAllLines(repo.resolve(REFERENCE));
        Map<String, Map<String, String>> metatype = metatype(repo);
        assertThat(metatype).as("metatype of the bundles under " + repo).containsKeys("io.robmqtt.store",
                "io.robmqtt.connection", "io.robmqtt.health", "io.robmqtt.logging");
        List<String> problems = new ArrayList<>();
        metatype.forEach((pid, attributes) -> {
            Map<String, String> documented = table(reference, pid);
            if (documented == null) {
                problems.add(pid + ": no heading of " + REFERENCE + " names `" + pid + "`");
                return;
            }
            attributes.forEach((id, value) -> {
                if (!documented.containsKey(id)) {
                    problems.add(pid + ": `" + id + "` is not in the table of " + REFERENCE);
                } else if (!sameDefault(value, documented.get(id))) {
                    problems.add(pid + ": `" + id + "` defaults to '" + value + "' in metatype, " + REFERENCE
                            + " says '" + documented.get(id) + "'");
                }
            });
            documented.keySet().stream().filter(id -> !attributes.containsKey(id))
                    .forEach(id -> problems.add(pid + ": " + REFERENCE + " documents `" + id + "`, metatype has no "
                            + "such attribute"));
        });
        assertThat(problems).as("differences between " + REFERENCE + " and the metatype").isEmpty();
    }

    /** PID to (attribute id to default; null where there is none, i.e. required). */
    private static Map<String, Map<String, String>> metatype(Path repo) throws Exception {
        Map<String, Map<String, String>> byPid = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(repo.resolve("bundles"), 7)) {
            files = walk.filter(p -> p.toString().contains("/target/classes/OSGI-INF/metatype/"))
                    .filter(p -> p.toString().endsWith(".xml")).sorted().toList();
        }
        for (Path file : files) {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
            Element designate = (Element) doc.getElementsByTagName("Designate").item(0);
            String pid = designate.getAttribute("factoryPid").isEmpty() ? designate.getAttribute("pid")
                    : designate.getAttribute("factoryPid");
            Map<String, String> attributes = new LinkedHashMap<>();
            NodeList ads = doc.getElementsByTagName("AD");
            for (int i = 0; i < ads.getLength(); i++) {
                Element ad = (Element) ads.item(i);
                boolean required = !"false".equals(ad.getAttribute("required"));
                String value = ad.hasAttribute("default") ? ad.getAttribute("default") : required ? null : "";
                attributes.put(ad.getAttribute("id"), value);
            }
            byPid.put(pid, attributes);
        }
        return byPid;
    }

    /** The property table in the section whose heading names the PID; null where there is none. */
    private static Map<String, String> table(List<String> reference, String pid) {
        int heading = -1;
        for (int i = 0; i < reference.size() && heading < 0; i++) {
            Matcher first = NAME.matcher(reference.get(i));
            if (reference.get(i).startsWith("#") && first.find() && first.group(1).equals(pid)) {
                heading = i;
            }
        }
        if (heading < 0) {
            return null;
        }
        Map<String, String> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (int i = heading + 1; i < reference.size() && !reference.get(i).startsWith("#"); i++) {
            String line = reference.get(i);
            if (inTable && !line.startsWith("|")) {
                break; // the first table under the heading is the reference
            }
            inTable |= line.startsWith("|");
            if (line.startsWith("| `")) {
                String[] cells = line.split(" \\| ");
                List<String> names = NAME.matcher(cells[0]).results().map(m -> m.group(1)).toList();
                String[] defaults = cells[1].split(", ");
                for (int n = 0; n < names.size(); n++) {
                    rows.put(names.get(n), defaults.length == names.size() ? defaults[n] : cells[1]);
                }
            }
        }
        return rows;
    }

    private static boolean sameDefault(String metatype, String written) {
        if (REQUIRED.equals(written.trim())) {
            return metatype == null;
        }
        if (metatype == null) {
            return false;
        }
        Matcher quoted = NAME.matcher(written);
        String documented = quoted.find() ? quoted.group(1) : "";  // (empty), (none): no value
        if (documented.equals(metatype)) {
            return true;
        }
        try {
            return new BigDecimal(documented).compareTo(new BigDecimal(metatype)) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

}
