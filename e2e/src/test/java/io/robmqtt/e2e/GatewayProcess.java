package io.robmqtt.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import io.robmqtt.testing.TempDirs;
import io.robmqtt.testing.TestBroker;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exported gateway jar, started as a user starts it: {@code java -jar gateway.jar} in a directory of its own
 * with conf/ (one connection, the store, the shipped Web Console login file) and a random
 * secrets/console-password. Its console (stdout and stderr) goes to a file the test reads; its stdin is the Gogo
 * shell, where the test types commands.
 */
final class GatewayProcess implements AutoCloseable {
    private static final String WEB_CONSOLE_CFG = "org.apache.felix.webconsole.internal.servlet.OsgiManager.cfg";

    private final Path dir;
    private final Path log;
    private final int httpPort;
    private final String consolePassword;
    private final Process process;
    private final PrintWriter shell;

    private GatewayProcess(Path jar, Path dir, int httpPort, String consolePassword) throws IOException {
        this.dir = dir;
        this.log = dir.resolve("console.log");
        this.httpPort = httpPort;
        this.consolePassword = consolePassword;
        this.process = ChildProcesses.startJar(jar, dir, log.getFileName().toString(), httpPort);
        this.shell = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /**
     * Starts the gateway with one connection {@code name} to 127.0.0.1:{@code brokerPort}; skips the test where the
     * gateway jar or the shipped conf/ is missing.
     */
    static GatewayProcess start(String name, int brokerPort) throws IOException {
        Path jar = Path.of(System.getProperty("robmqtt.gateway.jar", "../bndrun/target/gateway.jar"));
        Path shippedConf = Path.of(System.getProperty("robmqtt.conf.dir", "../conf"));
        assumeTrue(Files.isRegularFile(jar), "the gateway jar " + jar + " is missing: build it first with "
                + "mvn -B -q install -DskipTests (module bndrun)");
        assumeTrue(Files.isRegularFile(shippedConf.resolve(WEB_CONSOLE_CFG)), "the shipped " + WEB_CONSOLE_CFG
                + " is not in " + shippedConf + " (-Drobmqtt.conf.dir=the repository's conf/)");
        Path dir = Files.createTempDirectory("robmqtt-e2e-gateway");
        try {
            Path conf = Files.createDirectories(dir.resolve("conf"));
            // the shipped Web Console login (admin, password from secrets/) and log format, unchanged
            Files.copy(shippedConf.resolve(WEB_CONSOLE_CFG), conf.resolve(WEB_CONSOLE_CFG));
            Files.copy(shippedConf.resolve("logback.xml"), conf.resolve("logback.xml"));
            Files.writeString(conf.resolve("io.robmqtt.store.cfg"),
                    "db.path = " + dir.resolve("data/robmqtt.db") + "\n");
            Files.writeString(conf.resolve("io.robmqtt.connection-" + name + ".cfg"), "connection.name = " + name
                    + "\nclient.id = robmqtt-e2e-" + ProcessHandle.current().pid() + "\nbroker.host = 127.0.0.1\n"
                    + "broker.port = " + brokerPort + "\nmin.backoff = 0.1\nmax.backoff = 0.5\n");
            String password = writeRandomConsolePassword(dir);
            return new GatewayProcess(jar.toAbsolutePath(), dir, TestBroker.freePort(), password);
        } catch (IOException | RuntimeException e) {
            TempDirs.delete(dir);
            throw e;
        }
    }

    /** As ./gateway does: a random password in secrets/console-password, readable by this user only. */
    private static String writeRandomConsolePassword(Path dir) throws IOException {
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path secrets = Files.createDirectories(dir.resolve("secrets"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(secrets.resolve("console-password"), password);
        Files.setPosixFilePermissions(secrets.resolve("console-password"),
                PosixFilePermissions.fromString("rw-------"));
        return password;
    }

    /** The Web Console's password, read by the gateway from secrets/console-password. */
    String consolePassword() {
        return consolePassword;
    }

    /** http://127.0.0.1:PORT/system/console */
    URI webConsole() {
        return URI.create("http://127.0.0.1:" + httpPort + "/system/console");
    }

    URI health() {
        return URI.create("http://127.0.0.1:" + httpPort + "/health");
    }

    /** Types one line into the Gogo shell. Commands run one after another, in the order they were typed. */
    synchronized void type(String command) {
        shell.println(command);
        if (shell.checkError()) {
            throw new IllegalStateException("the gateway's shell is closed (did the gateway exit?) at: " + command);
        }
    }

    /** Everything the gateway printed so far. */
    String console() {
        return ChildProcesses.read(log);
    }

    /** How often {@code regex} occurs in the console so far. */
    int count(String regex) {
        Matcher m = Pattern.compile(regex).matcher(console());
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Waits until the console shows {@code regex} at least {@code times} times, or the gateway exits. */
    void awaitConsole(String description, String regex, int times, Duration timeout) {
        Await.until(description + " (" + times + " x /" + regex + "/ in " + log + ")", timeout, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("the gateway exited with " + process.exitValue() + "; its console:\n"
                        + console());
            }
            return count(regex) >= times;
        }, () -> "seen " + count(regex) + " times");
    }

    /** Stops the gateway (SIGTERM, then SIGKILL) and deletes its directory; its console is kept in the reports. */
    @Override
    public void close() {
        try {
            shell.close();
            ChildProcesses.stop(process);
            Files.copy(log, Reports.file("gateway-console.log"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            System.err.println("could not keep the gateway's console: " + e);
        } finally {
            TempDirs.delete(dir);
        }
    }
}
