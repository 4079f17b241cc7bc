package io.robmqtt.kura.runtimetest;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Kura-like runtime in a child JVM: Equinox started as Kura starts it (its JVM flags, {@code kura.*} properties,
 * config.ini, start levels), with a Gogo console on standard input. The plugins folder (one directory per start
 * level, "s" when started) is what the build copied from the Maven registry; everything the run writes goes into
 * {@code root}:
 *
 * <pre>
 * root/kura          kura.home, the JVM's working directory (Kura runs in its install directory)
 * root/data          kura.data
 * root/configuration Equinox's configuration area (Kura: /tmp/.kura/configuration), with config.ini
 * root/log/kura.log  the Log4j file (Kura: /var/log/kura.log)
 * root/tmp           java.io.tmpdir (sqlite-jdbc unpacks its native library there)
 * root/console.log   the console
 * </pre>
 */
final class KuraRuntime implements AutoCloseable {
    /** Kura's JVM flags on Java 17 (its start scripts). */
    static final List<String> KURA_JVM_FLAGS = List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED", "--add-modules=ALL-SYSTEM");

    final Path root;
    final Path home;
    final Path data;
    final Path log;
    final Path console;
    private final Process process;
    private final PrintWriter input;
    private int commands;

    private KuraRuntime(Path root, Process process) {
        this.root = root;
        this.home = root.resolve("kura");
        this.data = root.resolve("data");
        this.log = root.resolve("log/kura.log");
        this.console = root.resolve("console.log");
        this.process = process;
        this.input = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    static KuraRuntime start(Path plugins, Path root) throws IOException {
        for (String dir : new String[] {"kura", "data", "configuration", "log", "tmp"}) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.writeString(root.resolve("configuration/config.ini"), resource("config.ini")
                + "osgi.bundles=" + osgiBundles(plugins) + "\n");
        Path log4j = root.resolve("configuration/log4j.xml");
        Files.writeString(log4j, resource("log4j.xml").replace("@LOG@", root.resolve("log/kura.log").toString()));
        Path framework;
        try (Stream<Path> jars = Files.list(plugins.resolve("framework"))) {
            framework = jars.filter(p -> p.getFileName().toString().startsWith("org.eclipse.osgi-")).findFirst()
                    .orElseThrow(() -> new IOException("no org.eclipse.osgi jar in " + plugins.resolve("framework")));
        }
        List<String> command = new ArrayList<>(List.of(ChildProcesses.java(), "-Xmx256m"));
        command.addAll(KURA_JVM_FLAGS);
        command.addAll(List.of(
                "-Dkura.home=" + root.resolve("kura"),
                "-Dkura.data=" + root.resolve("data"),
                "-Dlog4j.configurationFile=" + log4j.toUri(),
                "-Djava.io.tmpdir=" + root.resolve("tmp"),
                // the console on standard input: without this Equinox gives Gogo's shell no input (Kura's own
                // console is Equinox's, on a port); Equinox then logs that it has no org.eclipse.equinox.console
                "-Dosgi.console=",
                "-jar", framework.toString(),
                "-configuration", root.resolve("configuration").toString()));
        Process process = new ProcessBuilder(command).directory(root.resolve("kura").toFile())
                .redirectErrorStream(true).redirectOutput(root.resolve("console.log").toFile()).start();
        KuraRuntime runtime = new KuraRuntime(root, process);
        try {
            Await.until("the runtime's Gogo console answers", Duration.ofSeconds(60), () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the runtime exited with " + process.exitValue() + ": "
                            + ChildProcesses.read(runtime.console));
                }
                return runtime.answers();
            }, () -> "console: " + ChildProcesses.read(runtime.console));
        } catch (RuntimeException | Error e) {
            runtime.close();
            throw e;
        }
        return runtime;
    }

    /** Whether the console answers a command now (within 2 s). */
    private boolean answers() {
        try {
            run("echo ready", Duration.ofSeconds(2));
            return true;
        } catch (AssertionError notYet) {
            return false;
        }
    }

    /**
     * osgi.bundles as Kura's gen_config_ini.sh makes it: every jar of a directory named by its start level, with
     * {@code :start} where the name ends in "s".
     */
    private static String osgiBundles(Path plugins) throws IOException {
        List<String> entries = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(plugins)) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d+s?")).sorted().toList()) {
                String name = dir.getFileName().toString();
                String level = name.replace("s", "");
                try (Stream<Path> jars = Files.list(dir)) {
                    for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).sorted().toList()) {
                        entries.add("reference\\:file\\:" + jar.toAbsolutePath() + "@" + level
                                + (name.endsWith("s") ? "\\:start" : ""));
                    }
                }
            }
        }
        return String.join(",", entries);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = KuraRuntime.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IOException("test resource " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs a Gogo command and returns what the console printed from then until the command's end, which an
     * {@code echo} of a marker after it shows; fails after {@code timeout}.
     */
    String run(String command, Duration timeout) {
        String marker = "=== end of command " + (++commands) + " ===";
        int from = ChildProcesses.read(console).length();
        input.println(command);
        input.println("echo '" + marker + "'");
        Await.until("the runtime ran '" + command + "'", timeout,
                () -> ChildProcesses.read(console).indexOf(marker, from) >= 0);
        String text = ChildProcesses.read(console);
        return text.substring(from, text.indexOf(marker, from));
    }

    String run(String command) {
        return run(command, Duration.ofSeconds(30));
    }

    /**
     * Installs and starts a bundle from the console (Gogo's {@code install -s} leaves it only installed on Equinox)
     * and returns its bundle id.
     */
    long installAndStart(Path jar) {
        // Gogo's own commands by their scope: the test's kt:install and kt:uninstall share their names
        String installed = run("felix:install file:" + jar.toAbsolutePath());
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("Bundle ID: (\\d+)").matcher(installed);
        if (!id.find()) {
            throw new AssertionError("could not install " + jar + ": " + installed);
        }
        String started = run("felix:start " + id.group(1));
        if (started.contains("Exception")) {
            throw new AssertionError("could not start " + jar + ": " + started);
        }
        return Long.parseLong(id.group(1));
    }

    /** The console's lines so far that start with {@code prefix} (after any "g! " prompt). */
    List<String> lines(String prefix) {
        List<String> found = new ArrayList<>();
        for (String line : ChildProcesses.read(console).split("\n")) {
            String l = line.replace("g! ", "").strip();
            if (l.startsWith(prefix)) {
                found.add(l);
            }
        }
        return found;
    }

    /** Stops the framework from its console, as an operator would, and ends the console's input. */
    void stopFramework() {
        input.println("stop 0");
        input.close();
    }

    /** Whether the JVM has exited within {@code timeout}. */
    boolean exited(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() {
        ChildProcesses.stop(process);
    }
}
