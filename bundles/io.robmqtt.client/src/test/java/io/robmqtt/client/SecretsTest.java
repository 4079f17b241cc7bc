package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.robmqtt.api.SecretDecoder;
import java.util.Dictionary;
import java.util.Hashtable;
import org.junit.jupiter.api.Test;

/**
 * The one secret path: connection configurations reach components with references instead of secrets, and an
 * attempt gets the values back, decoded by the runtime's decoder when there is one.
 */
class SecretsTest {
    private final Secrets secrets = new Secrets();

    private static Dictionary<String, Object> configuration(String factoryPid, String password, String keyPassword) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("service.factoryPid", factoryPid);
        properties.put("service.pid", factoryPid + ".1");
        properties.put("username", "device");
        properties.put("password", password);
        properties.put("keyfile.password", keyPassword);
        return properties;
    }

    @Test
    void aConnectionsConfigurationReachesComponentsWithReferencesNotSecrets() {
        Dictionary<String, Object> properties = configuration("io.robmqtt.connection", "s3cret", "k3y");
        secrets.modifyConfiguration(null, properties);

        String password = (String) properties.get("password");
        String keyPassword = (String) properties.get("keyfile.password");
        assertThat(password).startsWith(Secrets.PREFIX).doesNotContain("s3cret");
        assertThat(keyPassword).startsWith(Secrets.PREFIX).doesNotContain("k3y").isNotEqualTo(password);
        assertThat(properties.get("username")).isEqualTo("device");
        assertThat(secrets.resolve("password", password)).isEqualTo("s3cret");
        assertThat(secrets.resolve("keyfile.password", keyPassword)).isEqualTo("k3y");

        Dictionary<String, Object> again = configuration("io.robmqtt.connection", "s3cret", "");
        secrets.modifyConfiguration(null, again);
        assertThat(again.get("password")).as("the same value, the same reference: no false change").isEqualTo(password);
        assertThat(again.get("keyfile.password")).as("empty stays empty").isEqualTo("");
    }

    @Test
    void otherConfigurationsAreLeftAlone() {
        Dictionary<String, Object> properties = configuration("com.example.other", "s3cret", "k3y");
        secrets.modifyConfiguration(null, properties);
        assertThat(properties.get("password")).isEqualTo("s3cret");
    }

    @Test
    void theRuntimesDecoderDecodesAndItsFailureNamesThePropertyNotTheValue() {
        SecretDecoder reversing = (property, configured) -> {
            if (configured.startsWith("bad")) {
                throw new IllegalArgumentException("cannot decrypt " + configured);
            }
            return new StringBuilder(configured).reverse().toString();
        };
        Secrets secrets = new Secrets(() -> reversing);

        assertThat(secrets.resolve("password", secrets.reference("terces"))).isEqualTo("secret");
        assertThat(secrets.resolve("password", "")).isEmpty();
        assertThatIllegalStateException().isThrownBy(() -> secrets.resolve("keyfile.password", "bad-value"))
                .withMessageContaining("keyfile.password").withMessageNotContaining("bad-value");
    }

    @Test
    void anUnknownReferenceIsAFailedAttemptNamingTheProperty() {
        assertThatIllegalStateException()
                .isThrownBy(() -> secrets.resolve("password", Secrets.PREFIX + "not-known"))
                .withMessageContaining("password holds a secret reference that this robmqtt does not know");
    }
}
