import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Counts the JUnit XML reports of a build: Surefire's and Failsafe's (target/surefire-reports,
 * target/failsafe-reports) and the bnd tester's
 * (target/test-reports), prints "N passed, N failed[, N skipped]" and exits non-zero on a failure or when the
 * OSGi itests ran fewer tests than expected (a mismatched JUnit makes the bnd tester run none and succeed).
 *
 * Usage: java CountTests.java ROOT MIN_ITESTS
 */
public class CountTests {
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int minItests = Integer.parseInt(args[1]);
        int[] all = new int[4]; // tests, failures+errors, skipped, itests run (not skipped)
        for (Path report : reports(root)) {
            NodeList suites = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
                    .getElementsByTagName("testsuite");
            for (int i = 0; i < suites.getLength(); i++) {
                Element suite = (Element) suites.item(i);
                int tests = count(suite, "tests");
                all[0] += tests;
                all[1] += count(suite, "failures") + count(suite, "errors");
                all[2] += count(suite, "skipped");
                if (report.toString().contains("test-reports")) {
                    all[3] += tests - count(suite, "skipped");
                }
                printSkips(suite);
            }
        }
        int passed = all[0] - all[1] - all[2];
        System.out.println("OSGi itests run: " + all[3] + " (at least " + minItests + " expected)");
        System.out.println(passed + " passed, " + all[1] + " failed, " + all[2] + " skipped");
        if (all[3] < minItests) {
            System.err.println("the OSGi itests ran " + all[3] + " tests (skipped ones not counted), fewer than "
                    + minItests + ": a broker, jar or tool they need is missing (see the skip reasons), or the bnd "
                    + "tester ran fewer tests than exist (check the JUnit version against TOOLCHAIN.md)");
            System.exit(3);
        }
        System.exit(all[1] == 0 ? 0 : 1);
    }

    private static List<Path> reports(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml"))
                    .filter(p -> p.toString().contains("/target/surefire-reports/")
                            || p.toString().contains("/target/failsafe-reports/")
                            || p.toString().contains("/target/test-reports/"))
                    .sorted().toList();
        }
    }

    /** Every skipped test with its reason, so that a skip in CI is seen, not only counted. */
    private static void printSkips(Element suite) {
        NodeList skipped = suite.getElementsByTagName("skipped");
        for (int i = 0; i < skipped.getLength(); i++) {
            Element testcase = (Element) skipped.item(i).getParentNode();
            System.out.println("skipped: " + testcase.getAttribute("classname") + " " + testcase.getAttribute("name")
                    + ": " + ((Element) skipped.item(i)).getAttribute("message"));
        }
    }

    private static int count(Element suite, String attribute) {
        String value = suite.getAttribute(attribute);
        return value.isEmpty() ? 0 : Integer.parseInt(value);
    }
}
