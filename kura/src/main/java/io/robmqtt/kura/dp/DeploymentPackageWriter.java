package io.robmqtt.kura.dp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Writes an OSGi deployment package (OSGi Compendium 114, what Kura installs): a JAR whose manifest comes first
 * and names every bundle in a section with its Bundle-SymbolicName and Bundle-Version, followed by the bundles.
 * Those two headers are read from each bundle's own manifest, so they cannot drift from it.
 *
 * <p>Usage: {@code DeploymentPackageWriter <out.dp> <package symbolic name> <maven version> <bundle directory>}.
 */
public final class DeploymentPackageWriter {
    private DeploymentPackageWriter() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException(
                    "usage: DeploymentPackageWriter <out.dp> <symbolic name> <version> <bundle directory>");
        }
        List<Path> bundles;
        try (Stream<Path> files = Files.list(Path.of(args[3]))) {
            bundles = files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
        }
        write(Path.of(args[0]), args[1], osgiVersion(args[2]), bundles);
    }

    /** Maven's {@code 1.2.3-SNAPSHOT} is OSGi's {@code 1.2.3.SNAPSHOT}, as bnd makes the Bundle-Version. */
    static String osgiVersion(String mavenVersion) {
        return mavenVersion.replaceFirst("-", ".");
    }

    static void write(Path target, String symbolicName, String version, List<Path> bundles) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("DeploymentPackage-SymbolicName", symbolicName);
        manifest.getMainAttributes().putValue("DeploymentPackage-Version", version);
        for (Path bundle : bundles) {
            manifest.getEntries().put(bundle.getFileName().toString(), identity(bundle));
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        // JarOutputStream writes the manifest as the first entry, as the specification requires.
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
            for (Path bundle : bundles) {
                out.putNextEntry(new JarEntry(bundle.getFileName().toString()));
                Files.copy(bundle, out);
                out.closeEntry();
            }
        }
    }

    private static Attributes identity(Path bundle) throws IOException {
        Attributes own = bundleHeaders(bundle);
        String bsn = own.getValue("Bundle-SymbolicName");
        String version = own.getValue("Bundle-Version");
        if (bsn == null || version == null) {
            throw new IOException(bundle + " is not an OSGi bundle: it has no Bundle-SymbolicName or Bundle-Version");
        }
        Attributes section = new Attributes();
        section.putValue("Bundle-SymbolicName", bsn.split(";", 2)[0].trim());
        section.putValue("Bundle-Version", version.trim());
        return section;
    }

    static Attributes bundleHeaders(Path bundle) throws IOException {
        try (InputStream in = Files.newInputStream(bundle); JarInputStream jar = new JarInputStream(in)) {
            Manifest manifest = jar.getManifest();
            if (manifest == null) {
                throw new IOException(bundle + " has no manifest");
            }
            return manifest.getMainAttributes();
        }
    }
}
