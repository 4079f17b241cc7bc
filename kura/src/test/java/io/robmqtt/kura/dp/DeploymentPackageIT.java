package io.robmqtt.kura.dp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/** Opens the built deployment package and checks it against the specification, the bundles and Kura's rules. */
class DeploymentPackageIT {
    private static final Path DP = Path.of(System.getProperty("dp.file", "target/robmqtt.dp"));

    /** The entries in order, and every entry's bytes by name. */
    private static final List<String> ORDER = new ArrayList<>();
    private static final Map<String, byte[]> ENTRIES = new HashMap<>();
    private static Manifest manifest;

    @BeforeAll
    static void read() throws IOException {
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(DP))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                ORDER.add(e.getName());
                ENTRIES.put(e.getName(), zip.readAllBytes());
            }
        }
        manifest = new Manifest(new ByteArrayInputStream(ENTRIES.get("META-INF/MANIFEST.MF")));
    }

    @Test
    void theManifestComesFirstAndNamesThePackage() {
        assertThat(ORDER.get(0)).isIn("META-INF/", "META-INF/MANIFEST.MF");
        assertThat(ORDER.indexOf("META-INF/MANIFEST.MF")).isLessThanOrEqualTo(1);
        assertThat(manifest.getMainAttributes().getValue("DeploymentPackage-SymbolicName")).isEqualTo("io.robmqtt");
        assertThat(manifest.getMainAttributes().getValue("DeploymentPackage-Version")).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void everySectionNamesABundleWithItsOwnSymbolicNameAndVersion() throws IOException {
        assertThat(manifest.getEntries()).isNotEmpty();
        for (Map.Entry<String, Attributes> section : manifest.getEntries().entrySet()) {
            assertThat(ENTRIES).as("entry %s", section.getKey()).containsKey(section.getKey());
            Attributes own = headers(section.getKey());
            assertThat(section.getValue().getValue("Bundle-SymbolicName")).as(section.getKey())
                    .isEqualTo(own.getValue("Bundle-SymbolicName").split(";")[0].trim());
            assertThat(section.getValue().getValue("Bundle-Version")).as(section.getKey())
                    .isEqualTo(own.getValue("Bundle-Version").trim());
        }
        Set<String> unnamed = new TreeSet<>(ENTRIES.keySet());
        unnamed.removeAll(manifest.getEntries().keySet());
        unnamed.removeAll(Set.of("META-INF/", "META-INF/MANIFEST.MF"));
        assertThat(unnamed).as("entries without a manifest section").isEmpty();
    }

    @Test
    void itHoldsOurBundlesAndOnlyTheThirdPartyOnesKuraLacks() {
        Set<String> names = new TreeSet<>();
        manifest.getEntries().values().forEach(a -> names.add(a.getValue("Bundle-SymbolicName")));
        assertThat(names).containsExactlyInAnyOrder("io.robmqtt.api", "io.robmqtt.store", "io.robmqtt.client",
                "io.robmqtt.kura", "org.eclipse.paho.client.mqttv3", "org.xerial.sqlite-jdbc",
                "org.osgi.util.converter");
    }

    /**
     * Kura has SLF4J 1.7 and no service-loader extender (which SLF4J 2's API bundle needs): our bundles import
     * org.slf4j from 1.7 and touch nothing of SLF4J 2 (fluent API, key-value pairs: org.slf4j.spi, org.slf4j.event).
     */
    @Test
    void ourBundlesNeedOnlySlf4j17AndKurasBouncyCastle() throws IOException {
        for (String bundle : manifest.getEntries().keySet()) {
            if (!bundle.startsWith("io.robmqtt.")) {
                continue;
            }
            String imports = headers(bundle).getValue("Import-Package");
            if (imports.contains("org.slf4j")) {
                assertThat(imports).as(bundle).contains("org.slf4j;version=\"[1.7,3)\"");
            }
            for (String bc : imports.split(",(?=[a-z])")) {
                if (bc.startsWith("org.bouncycastle")) {
                    assertThat(bc).as(bundle).endsWith(";version=\"[1.78,2)\"");
                }
            }
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(ENTRIES.get(bundle)))) {
                for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                    if (e.getName().endsWith(".class")) {
                        String constants = new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
                        assertThat(constants).as(bundle + " " + e.getName())
                                .doesNotContain("org/slf4j/spi/").doesNotContain("org/slf4j/event/");
                    }
                }
            }
        }
    }

    @Test
    void theAdapterImportsKurasApiAndDoesNotContainTheStub() throws IOException {
        String adapter = entryOf("io.robmqtt.kura");
        assertThat(headers(adapter).getValue("Import-Package")).contains("org.eclipse.kura.configuration");
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(ENTRIES.get(adapter)))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                assertThat(e.getName()).doesNotStartWith("org/eclipse/kura");
            }
        }
    }

    /**
     * Kura reads {@code OSGI-INF/metatype/<pid>.xml} and takes the OCD whose id is the PID; and it lists a PID only
     * while a ConfigurableComponent service has it, which the adapter registers for exactly these PIDs.
     */
    @Test
    void everyMetatypeFollowsKurasConventionAndTheAdapterCoversItsPids() throws Exception {
        Set<String> designated = new HashSet<>();
        Set<String> adapted = new HashSet<>();
        for (String bundle : manifest.getEntries().keySet()) {
            for (Map.Entry<String, byte[]> file : files(bundle).entrySet()) {
                if (file.getKey().startsWith("OSGI-INF/metatype/") && file.getKey().endsWith(".xml")) {
                    Element root = parse(file.getValue());
                    Element designate = (Element) root.getElementsByTagName("Designate").item(0);
                    String pid = designate.getAttribute("factoryPid").isEmpty() ? designate.getAttribute("pid")
                            : designate.getAttribute("factoryPid");
                    assertThat(file.getKey()).isEqualTo("OSGI-INF/metatype/" + pid + ".xml");
                    assertThat(((Element) root.getElementsByTagName("OCD").item(0)).getAttribute("id")).isEqualTo(pid);
                    designated.add(pid);
                } else if (bundle.startsWith("io.robmqtt.kura") && file.getKey().startsWith("OSGI-INF/")
                        && file.getKey().endsWith(".xml")) {
                    String pid = parse(file.getValue()).getAttribute("configuration-pid");
                    if (!pid.isEmpty()) { // KuraSecrets, the adapter's decoder, configures nothing
                        adapted.add(pid);
                    }
                }
            }
        }
        assertThat(adapted).containsExactlyInAnyOrderElementsOf(designated)
                .containsExactlyInAnyOrder("io.robmqtt.store", "io.robmqtt.connection");
    }

    private static String entryOf(String symbolicName) {
        return manifest.getEntries().entrySet().stream()
                .filter(e -> symbolicName.equals(e.getValue().getValue("Bundle-SymbolicName")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static Attributes headers(String entry) throws IOException {
        try (InputStream in = new ByteArrayInputStream(ENTRIES.get(entry)); JarInputStream jar = new JarInputStream(in)) {
            return jar.getManifest().getMainAttributes();
        }
    }

    private static Map<String, byte[]> files(String entry) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(ENTRIES.get(entry)))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (e.getName().startsWith("OSGI-INF/")) {
                    files.put(e.getName(), zip.readAllBytes());
                }
            }
        }
        return files;
    }

    private static Element parse(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml)).getDocumentElement();
    }
}
