package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.ClientStatistics;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.itest.TestPki.KeyForm;
import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import io.robmqtt.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** Credentials in CONNECT, refusals, certificate rotation, and secrets that appear nowhere. */
class CredentialsAndSecretsTest {
    /** How robmqtt's secret references start (io.robmqtt.client's Secrets). */
    private static final String REFERENCE = "robmqtt-secret:";
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    /** Mosquitto with a password file or a TLS listener, which each test starts with its own files. */
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path passwordFile(String user, String password) throws Exception {
        Path file = Files.createTempFile("robmqtt-passwd", ".txt");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Process p = new ProcessBuilder("mosquitto_passwd", "-b", file.toString(), user, password)
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        return file;
    }

    @Test
    void aWrongPasswordIsARefusalReportedAndRetriedAtMaxBackoffAndNoSecretAppearsAnywhere() throws Exception {
        StoreFixture.configure(cm, properties());
        String right = "Right-" + UUID.randomUUID();
        String wrong = "Wrong-" + UUID.randomUUID();
        String keyPassword = "KeyPass-" + UUID.randomUUID();
        List<String> seen = new ArrayList<>();
        broker.start(BrokerImplementation.mosquitto("allow_anonymous false",
                "password_file " + passwordFile("device", right)));
        FaultyLink link = broker.link();
        try (ConnectionFixture c = new ConnectionFixture(context, cm, properties("broker.uris",
                        new String[] {link.uri()}, "username", "device", "password", wrong,
                        "min.backoff", 0.1, "max.backoff", 1.0))) {
            MqttPublisher mqtt = c.publisher();
            Await.until("three refused attempts", Duration.ofSeconds(30), () -> link.attempts().size() >= 3);
            ClientStatistics refused = mqtt.statistics();
            assertThat(refused.connected()).isFalse();
            assertThat(refused.lastConnectError()).contains("broker refused the connection");
            List<Long> times = List.copyOf(link.attempts());
            for (int i = 1; i < 3; i++) {
                assertThat((times.get(i) - times.get(i - 1)) / 1e9).as("wait after a refusal (max.backoff 1 s)")
                        .isGreaterThanOrEqualTo(0.85);
            }
            seen.add(refused.toString());

            c.update("min.backoff", 30.0, "max.backoff", 5.0); // refused: min > max; the message must not echo values
            Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
            Await.until("the update was refused (ConfigAdmin delivers it later)", Duration.ofSeconds(20),
                    () -> read(log).contains("event=config_refused connection=" + c.name));
            // a refused update stays in ConfigAdmin: the next one must mend it
            c.update("password", right, "min.backoff", 0.1, "max.backoff", 1.0);
            c.awaitConnected();
            seen.add(mqtt.statistics().toString());
            HttpFixture.start(cm);
            for (String path : List.of("/health", "/health/live", "/health/ready")) {
                HttpFixture.Response response = HttpFixture.get(path);
                assertThat(response.status()).as(path).isIn(200, 503);
                seen.add(response.body());
            }
            assertThat(String.join("", seen)).contains(c.clientId); // the health output of this very connection
            ServiceReference<MqttPublisher> reference = c.reference();
            for (String key : reference.getPropertyKeys()) {
                seen.add(key + "=" + reference.getProperty(key));
            }
        }
        Path[] encrypted = new TestPki("secrets").client("secret-client", KeyForm.RSA_PKCS8_ENCRYPTED, keyPassword,
                Duration.ofDays(365));
        try (ConnectionFixture c = new ConnectionFixture(context, cm, properties("broker.uris",
                new String[] {"ssl://127.0.0.1:" + TestBroker.freePort()}, "certfile", encrypted[0].toString(),
                "keyfile", encrypted[1].toString(), "keyfile.password", "not-" + keyPassword))) {
            MqttPublisher mqtt = c.publisher();
            Await.until("the wrong key password is reported", Duration.ofSeconds(20),
                    () -> mqtt.statistics().lastConnectError().contains("keyfile.password is wrong"));
            seen.add(mqtt.statistics().toString());
        }

        String log = read(Path.of(System.getProperty("org.slf4j.simpleLogger.logFile")));
        assertThat(log).as("the framework's log of this run").contains("event=connect_failed")
                .contains("event=config_refused");
        for (String secret : List.of(right, wrong, keyPassword)) {
            assertThat(log).as("the log").doesNotContain(secret);
            assertThat(seen).as("statistics, health output and service properties")
                    .noneMatch(text -> text.contains(secret));
        }
    }

    @Test
    void replacedCertificateFilesAreUsedAtTheNextReconnectAndAConfigurationUpdateRebuildsTls() throws Exception {
        StoreFixture.configure(cm, properties());
        TestPki pki = new TestPki("rotation");
        Path[] server = pki.server("server", "127.0.0.1");
        Path[] first = pki.client("device", KeyForm.RSA_PKCS8, "", Duration.ofDays(365));
        Path[] expiring = pki.client("device-renewed", KeyForm.RSA_PKCS8, "", Duration.ofDays(5));
        broker.start(BrokerImplementation.mosquitto("cafile " + pki.caCert, "certfile " + server[0],
                "keyfile " + server[1], "require_certificate true"));
        FaultyLink link = broker.link();
        try (ConnectionFixture c = new ConnectionFixture(context, cm, properties(
                        "broker.uris", new String[] {link.uri().replace("tcp://", "ssl://")},
                        "ca.certs", pki.caCert.toString(), "certfile", first[0].toString(),
                        "keyfile", first[1].toString()))) {
            MqttPublisher mqtt = c.publisher();
            c.awaitConnected();
            assertThat(mqtt.statistics().certificateWarning()).isEmpty();

            Files.copy(expiring[0], first[0], java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(expiring[1], first[1], java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            link.dropAll();
            Await.until("reconnected with the replaced files", Duration.ofSeconds(30),
                    () -> mqtt.statistics().reconnects() >= 1 && mqtt.statistics().connected());
            assertThat(mqtt.statistics().certificateWarning()).contains("expires");

            c.update("ca.certs", new TestPki("not-the-broker").caCert.toString());
            Await.until("the new CA is used at once", Duration.ofSeconds(30),
                    () -> mqtt.statistics().lastConnectError().contains("not signed by a CA in ca.certs"));
        }
    }

    /** GET with the Web Console's login; the body's bytes, or an AssertionError naming the status. */
    private static byte[] console(int port, String path, String password) throws java.io.IOException {
        java.net.HttpURLConnection connection = (java.net.HttpURLConnection) java.net.URI
                .create("http://127.0.0.1:" + port + path).toURL().openConnection();
        connection.setRequestProperty("Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8)));
        assertThat(connection.getResponseCode()).as("GET " + path).isEqualTo(200);
        try (var in = connection.getInputStream()) {
            return in.readAllBytes();
        }
    }

    /** Every entry of a zip, as text. */
    private static String unzip(byte[] zip) throws java.io.IOException {
        StringBuilder text = new StringBuilder();
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (var entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                text.append("== ").append(entry.getName()).append('\n')
                        .append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }

    @Test
    void noComponentListingOfTheWebConsoleOrTheShellShowsASecret() throws Exception {
        String secret = "Secret-" + UUID.randomUUID();
        String typed = "Typed-" + UUID.randomUUID();
        broker.start(BrokerImplementation.mosquitto("allow_anonymous false",
                "password_file " + passwordFile("device", secret)));
        Path jar = ChildProcesses.jar("robmqtt.gateway.jar", "the bndrun module builds it before this one");
        Path dir = Files.createTempDirectory("robmqtt-secrets");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("mqtt-password"), secret);
        String consolePassword = "console-" + UUID.randomUUID();
        Files.writeString(secrets.resolve("console-password"), consolePassword);
        String consoleLogin = "org.apache.felix.webconsole.internal.servlet.OsgiManager.cfg";
        Files.copy(Path.of(System.getProperty("robmqtt.repo"), "conf", consoleLogin), conf.resolve(consoleLogin));
        Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = data/robmqtt.db\n");
        Files.writeString(conf.resolve("io.robmqtt.connection-default.cfg"), "client.id = secrets-test\n"
                + "broker.uris = tcp://127.0.0.1:" + broker.port() + "\nusername = device\n"
                + "password = $[secret:mqtt-password]\n");
        // a password written as a value, as the Web Console's form or Kura's UI would store it
        Files.writeString(conf.resolve("io.robmqtt.connection-typed.cfg"), "client.id = secrets-typed\n"
                + "broker.uris = tcp://127.0.0.1:" + broker.port() + "\nusername = device\n"
                + "password = " + typed + "\nkeyfile.password = " + typed + "\n");
        int http = TestBroker.freePort();
        Path log = dir.resolve("gateway.log");
        Process gateway = ChildProcesses.startJar(jar, dir, "gateway.log", http);
        try (java.io.PrintWriter shell = new java.io.PrintWriter(gateway.getOutputStream(), true,
                StandardCharsets.UTF_8)) {
            Await.until("the gateway connected with the secret's password", Duration.ofSeconds(60),
                    () -> ChildProcesses.contains(log, "event=connected connection=default"));
            List<String> listings = new ArrayList<>();
            String components = new String(console(http, "/system/console/status-scr.txt", consolePassword),
                    StandardCharsets.UTF_8);
            assertThat(components).as("the component status lists the connections")
                    .contains("secrets-test").contains("secrets-typed").contains(REFERENCE);
            listings.add(components);
            // the Configuration Status page's "download full zip": any timestamp in the name
            String path = "/system/console/config/configuration-status-20261206-000000.zip";
            String status = unzip(console(http, path, consolePassword));
            assertThat(status).as("the support zip holds the component status and the configurations")
                    .contains("Declarative_Services_Components").contains("secrets-test").contains("secrets-typed");
            listings.add(status);
            shell.println("scr:info " + "io.robmqtt.connection");
            Await.until("scr:info printed the connections' properties", Duration.ofSeconds(20),
                    () -> ChildProcesses.read(log).split(REFERENCE, -1).length > 2);
            listings.add(ChildProcesses.read(log));
            for (String listing : listings) {
                assertThat(listing).doesNotContain(secret).doesNotContain(typed);
            }
        } finally {
            ChildProcesses.stop(gateway);
            io.robmqtt.testing.TempDirs.delete(dir);
        }
    }
}
