package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.api.Delivery;
import io.robmqtt.api.MqttPublisher;
import io.robmqtt.itest.TestPki.KeyForm;
import io.robmqtt.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** TLS and mutual TLS against TestBroker TLS listeners, with a CA and certificates the test makes itself. */
class TlsTest {
    private static TestPki pki;
    private static TestPki otherPki;
    private static Path[] server;
    private static Path[] wrongHostServer;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    /** Mosquitto with a TLS listener, which each test starts with the server certificate it needs. */
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    @BeforeAll
    static void makePki() throws Exception {
        pki = new TestPki("main");
        otherPki = new TestPki("other");
        server = pki.server("server", "127.0.0.1");
        wrongHostServer = pki.server("wrong-host", "broker.example.invalid");
    }

    @BeforeEach
    void store() throws Exception {
        StoreFixture.configure(cm, properties());
    }

    private void startTlsBroker(Path[] serverFiles, boolean requireClientCertificate) throws Exception {
        broker.start(BrokerImplementation.mosquitto("cafile " + pki.caCert, "certfile " + serverFiles[0],
                "keyfile " + serverFiles[1], "require_certificate " + requireClientCertificate, "tls_version tlsv1.2"));
    }

    private ConnectionFixture connect(Object... more) throws Exception {
        Dictionary<String, Object> p = properties("broker.uris", new String[] {broker.tlsUri()},
                "ca.certs", pki.caCert.toString(), "min.backoff", 0.2, "max.backoff", 1.0);
        for (int i = 0; i < more.length; i += 2) {
            p.put((String) more[i], more[i + 1]);
        }
        return new ConnectionFixture(context, cm, p);
    }

    private static void awaitDelivered(MqttPublisher mqtt) {
        Delivery d = mqtt.publish("itest/tls", "over tls".getBytes(StandardCharsets.UTF_8), 1);
        Await.until("a message over TLS is acknowledged", Duration.ofSeconds(20),
                () -> d.completion().toCompletableFuture().isDone());
        assertThat(d.completion().toCompletableFuture()).isCompleted();
    }

    private static void awaitFailure(MqttPublisher mqtt, String reason) {
        Await.until("a connect failure saying '" + reason + "' (last: " + mqtt.statistics().lastConnectError() + ")",
                Duration.ofSeconds(20), () -> mqtt.statistics().lastConnectError().contains(reason));
        assertThat(mqtt.statistics().connected()).isFalse();
    }

    @Test
    void aTlsConnectionWithTheRightCaSucceeds() throws Exception {
        startTlsBroker(server, false);
        try (ConnectionFixture c = connect()) {
            c.awaitConnected();
            assertThat(c.publisher().statistics().tlsEnabled()).isTrue();
            awaitDelivered(c.publisher());
        }
    }

    @Test
    void aBrokerCertificateFromAnotherCaIsRejectedByName() throws Exception {
        startTlsBroker(server, false);
        try (ConnectionFixture c = connect("ca.certs", otherPki.caCert.toString())) {
            awaitFailure(c.publisher(), "not signed by a CA in ca.certs " + otherPki.caCert);
        }
    }

    @Test
    void aCertificateForAnotherHostIsRejectedAndAcceptedWithVerificationOff() throws Exception {
        startTlsBroker(wrongHostServer, false);
        try (ConnectionFixture c = connect()) {
            awaitFailure(c.publisher(), "does not name the host");
        }
        try (ConnectionFixture c = connect("tls.hostname.verification", false)) {
            c.awaitConnected();
            awaitDelivered(c.publisher());
            Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile"));
            Await.until("a WARN says verification is off", Duration.ofSeconds(10), () -> {
                try {
                    return java.nio.file.Files.readString(log).contains("event=tls_hostname_verification_off "
                            + "connection=" + c.name);
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        }
    }

    @Test
    void aListenerThatRequiresClientCertificatesRejectsNoneAndAcceptsEveryKeyForm() throws Exception {
        startTlsBroker(server, true);
        try (ConnectionFixture c = connect()) {
            MqttPublisher mqtt = c.publisher();
            Await.until("refused without a client certificate", Duration.ofSeconds(20),
                    () -> mqtt.statistics().connectFailures() >= 1);
            assertThat(mqtt.statistics().connected()).isFalse();
        }
        for (KeyForm form : KeyForm.values()) {
            String password = form == KeyForm.RSA_PKCS8_ENCRYPTED ? "key-pass-" + form : "";
            Path[] client = pki.client("client-" + form, form, password, Duration.ofDays(365));
            try (ConnectionFixture c = connect("certfile", client[0].toString(), "keyfile",
                    client[1].toString(), "keyfile.password", password)) {
                c.awaitConnected();
                awaitDelivered(c.publisher());
                assertThat(c.publisher().statistics().certificateWarning()).as(form.toString()).isEmpty();
            }
        }
    }

    @Test
    void aClientCertificateThatExpiresSoonIsReportedAndAMismatchedKeyIsNamed() throws Exception {
        startTlsBroker(server, true);
        Path[] soon = pki.client("expiring", KeyForm.RSA_PKCS8, "", Duration.ofDays(10));
        try (ConnectionFixture c = connect("certfile", soon[0].toString(), "keyfile", soon[1].toString())) {
            c.awaitConnected();
            assertThat(c.publisher().statistics().certificateWarning()).contains(soon[0].toString())
                    .contains("expires");
        }
        Path[] other = pki.client("other", KeyForm.RSA_PKCS8, "", Duration.ofDays(365));
        try (ConnectionFixture c = connect("certfile", soon[0].toString(), "keyfile", other[1].toString())) {
            awaitFailure(c.publisher(), "keyfile " + other[1] + " does not belong to the certificate in certfile");
        }
        try (ConnectionFixture c = connect("certfile", "/nonexistent/cert.pem", "keyfile", other[1].toString())) {
            awaitFailure(c.publisher(), "certfile /nonexistent/cert.pem does not exist");
        }
    }
}
