package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionSettingsTest {

    private static Map<String, Object> config(Object... keysAndValues) {
        Map<String, Object> map = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static ConnectionSettings settings(Map<String, Object> config) {
        return ConnectionSettings.from(config, Map.of());
    }

    @Test
    void theDefaultsAreTheOriginals() {
        ConnectionSettings s = settings(config("client.id", "gw-1"));
        assertThat(s.brokerUris()).containsExactly("tcp://localhost:1883");
        assertThat(s.minBackoff()).isEqualTo(1.0);
        assertThat(s.maxBackoff()).isEqualTo(60.0);
        assertThat(s.cleanSession()).isFalse();
        assertThat(s.maxInflight()).isEqualTo(100);
        assertThat(s.connectionName()).isEqualTo("default");
    }

    @Test
    void blankBrokerUriEntriesAreNoEntriesAsTheWebConsoleSendsOneForAnEmptyList() {
        ConnectionSettings s = settings(config("client.id", "c", "broker.host", "10.0.0.7", "broker.port", 1884,
                "broker.uris", new String[] {""}));
        assertThat(s.brokerUris()).containsExactly("tcp://10.0.0.7:1884");
        assertThat(settings(config("client.id", "c", "broker.uris", new String[] {" ", "tcp://b:1883"})).brokerUris())
                .containsExactly("tcp://b:1883");
    }

    @Test
    void aBrokerUriIsSchemeHostAndPortAndNothingMore() {
        for (String uri : new String[] {"tcp://127.0.0.1:1883/", "tcp://127.0.0.1:1883/mqtt", "tcp://h:1883?x=1",
                "tcp://h:1883#f", "tcp://user:secret@h:1883", "mqtt://h:1883/"}) {
            assertThatIllegalArgumentException().as(uri)
                    .isThrownBy(() -> settings(config("client.id", "c", "broker.uris", new String[] {uri})))
                    .withMessageContaining("broker.uris entry '").withMessageContaining("must be scheme://host:port and "
                            + "nothing more");
        }
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "broker.uris",
                        new String[] {"tcp://user:secret@h:1883"})))
                .withMessageContaining("'tcp://***@h:1883'").withMessageNotContaining("secret");
        assertThat(settings(config("client.id", "c", "broker.uris", new String[] {"ssl://h:8883"})).brokerUris())
                .containsExactly("ssl://h:8883");
    }

    @Test
    void listenerWaitIsFromZeroToAnHour() {
        assertThat(settings(config("client.id", "c")).listenerWaitSeconds()).isEqualTo(30.0);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "listener.wait.seconds", -1.0)))
                .withMessageContaining("listener.wait.seconds is -1.0").withMessageContaining("from 0 to 3600");
    }

    @Test
    void charactersMqttClientsRefuseAreRefusedInClientIdUsernameAndWillTopicByPlace() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "gw\n1")))
                .withMessageContaining("client.id contains U+000A at index 2");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "username", "op\u0085")))
                .withMessageContaining("username contains U+0085 at index 2").withMessageNotContaining("op\\u0085");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "will.topic", "w/\ufffe")))
                .withMessageContaining("will.topic contains U+FFFE");
    }

    @Test
    void messageExpiryIsNeverByDefaultAndFromZeroToTenYears() {
        assertThat(settings(config("client.id", "c")).messageExpiry()).isZero();
        assertThat(settings(config("client.id", "c", "message.expiry.seconds", 2.5)).messageExpiry())
                .isEqualTo(java.time.Duration.ofMillis(2_500));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "message.expiry.seconds", -1.0)))
                .withMessageContaining("message.expiry.seconds is -1.0").withMessageContaining("from 0 (never)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "message.expiry.seconds", 4e8)))
                .withMessageContaining("ten years");
    }

    @Test
    void credentialsInClearAreThoseSentWithoutTlsToABrokerOffLoopback() {
        assertThat(ConnectionSettings.isLoopback("localhost")).isTrue();
        assertThat(ConnectionSettings.isLoopback("127.0.0.1")).isTrue();
        assertThat(ConnectionSettings.isLoopback("127.8.9.10")).isTrue();
        assertThat(ConnectionSettings.isLoopback("[::1]")).isTrue();
        assertThat(ConnectionSettings.isLoopback("10.0.0.7")).isFalse();
        assertThat(ConnectionSettings.isLoopback("[fe80::1]")).isFalse();
        assertThat(ConnectionSettings.isLoopback("broker.example.com")).isFalse();
        assertThat(ConnectionSettings.isLoopback("127.0.0.1.example.com")).isFalse();
        assertThat(settings(config("client.id", "c", "broker.host", "mqtt.example.com", "username", "u", "password",
                "p")).sendsCredentialsInClear()).isTrue();
        assertThat(settings(config("client.id", "c", "broker.host", "127.0.0.1", "username", "u", "password", "p"))
                .sendsCredentialsInClear()).as("loopback").isFalse();
        assertThat(settings(config("client.id", "c", "broker.host", "mqtt.example.com", "broker.port", 8883,
                "use.tls", true, "username", "u", "password", "p")).sendsCredentialsInClear()).as("TLS").isFalse();
        assertThat(settings(config("client.id", "c", "broker.host", "mqtt.example.com")).sendsCredentialsInClear())
                .as("no credentials").isFalse();
    }

    @Test
    void theClientIdIsRequired() {
        assertThatIllegalArgumentException().isThrownBy(() -> settings(config()))
                .withMessageContaining("client.id is required").withMessageContaining("MQTT_CLIENT_ID");
    }

    @Test
    void refusesBadValuesNamingTheFieldAndTheRule() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "broker.port", 70_000)))
                .withMessageContaining("broker.port is 70000").withMessageContaining("1 to 65535");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "min.backoff", 10.0, "max.backoff", 5.0)))
                .withMessageContaining("min.backoff (10.0) must not be greater than max.backoff (5.0)");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "certfile", "/etc/cert.pem")))
                .withMessageContaining("certfile and keyfile go together");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "broker.uris", new String[] {"http://x:1"})))
                .withMessageContaining("'http://x:1'").withMessageContaining("tcp://");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "max.inflight", 0)))
                .withMessageContaining("max.inflight is 0");
    }

    @Test
    void aValueOfTheWrongTypeIsRefusedWithoutShowingValues() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings(config("client.id", "c", "broker.port", "eighty", "password", "pw-42")))
                .withMessageContaining("broker.port is eighty (String); it must be a whole number")
                .withMessageNotContaining("pw-42");
    }

    @Test
    void brokerUrisAreTriedInTurnAndMqttSchemesAreAccepted() {
        ConnectionSettings s = settings(config("client.id", "c", "broker.uris",
                new String[] {"mqtt://a:1883", "mqtts://b:8883"}));
        assertThat(s.brokerUris()).containsExactly("tcp://a:1883", "ssl://b:8883");
        assertThat(s.useTls()).isTrue();
    }

    @Test
    void environmentVariablesFillInWhatTheConfigurationLeavesUnset() {
        Map<String, String> env = Map.of("MQTT_BROKER_HOST", "broker.example", "MQTT_CLIENT_ID", "from-env",
                "MQTT_BROKER_PORT", "8883", "MQTT_USE_TLS", "true", "PATH", "/usr/bin");
        ConnectionSettings s = ConnectionSettings.from(config("client.id", "from-config"), env);
        assertThat(s.clientId()).isEqualTo("from-config");
        assertThat(s.brokerUris()).containsExactly("ssl://broker.example:8883");
    }

    @Test
    void thePasswordNeverAppearsInToString() {
        ConnectionSettings s = settings(config("client.id", "c", "username", "device", "password", "s3cr3t-pw"));
        assertThat(s.toString()).doesNotContain("s3cr3t-pw").contains("password=(set)").contains("device");
    }

    @Test
    void backoffAndInflightChangesNeedNoReconnectButBrokerAndCredentialsDo() {
        ConnectionSettings base = settings(config("client.id", "c"));
        assertThat(base.needsReconnect(settings(config("client.id", "c", "max.backoff", 5.0)))).isFalse();
        assertThat(base.needsReconnect(settings(config("client.id", "c", "max.inflight", 5)))).isFalse();
        assertThat(base.needsReconnect(settings(config("client.id", "c", "broker.port", 1884)))).isTrue();
        assertThat(base.needsReconnect(settings(config("client.id", "c", "password", "x")))).isTrue();
    }
}
