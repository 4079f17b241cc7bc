package io.robmqtt.kura.runtimetest;

import io.robmqtt.kura.dp.DeploymentPackageWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The next version of the built deployment package, as a user upgrading robmqtt gets it: the same bundles, ours with
 * a new Bundle-Version, written by the build's own {@link DeploymentPackageWriter}.
 */
final class NextPackageVersion {
    private NextPackageVersion() {}

    /** Writes {@code target}: the package {@code built} at {@code mavenVersion}, our bundles at its OSGi form. */
    static void write(Path built, Path target, String mavenVersion) throws IOException {
        Path bundles = Files.createDirectories(target.resolveSibling(target.getFileName() + "-bundles"));
        String osgiVersion = mavenVersion.replaceFirst("-", ".");
        try (ZipInputStream dp = new ZipInputStream(Files.newInputStream(built))) {
            for (ZipEntry e = dp.getNextEntry(); e != null; e = dp.getNextEntry()) {
                if (e.getName().endsWith(".jar")) {
                    Path jar = bundles.resolve(e.getName());
                    if (e.getName().startsWith("io.robmqtt.")) {
                        withVersion(dp, jar, osgiVersion);
                    } else {
                        Files.copy(dp, jar);
                    }
                }
            }
        }
        DeploymentPackageWriter.main(new String[] {target.toString(), "io.robmqtt", mavenVersion, bundles.toString()});
    }

    /** Copies the bundle from {@code in} with Bundle-Version {@code version}. */
    private static void withVersion(InputStream in, Path jar, String version) throws IOException {
        JarInputStream source = new JarInputStream(in);
        Manifest manifest = new Manifest(source.getManifest());
        manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (JarEntry e = source.getNextJarEntry(); e != null; e = source.getNextJarEntry()) {
                out.putNextEntry(new JarEntry(e.getName()));
                source.transferTo(out);
                out.closeEntry();
            }
        }
    }
}
