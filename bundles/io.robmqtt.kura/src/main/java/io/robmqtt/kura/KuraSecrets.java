package io.robmqtt.kura;

import io.robmqtt.api.SecretDecoder;
import org.eclipse.kura.KuraException;
import org.eclipse.kura.crypto.CryptoService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Decrypts the passwords Kura's web UI stores encrypted (PASSWORD attributes), with Kura's {@link CryptoService},
 * for robmqtt's one secret path (the client's {@code Secrets}): the decrypted value is used for a connection
 * attempt and never becomes a component or service property. A value Kura did not encrypt (an {@code MQTT_*}
 * environment variable, a value written to ConfigAdmin directly) is used as it is.
 */
@Component(service = SecretDecoder.class)
public class KuraSecrets implements SecretDecoder {
    private final CryptoService crypto;

    @Activate
    public KuraSecrets(@Reference CryptoService crypto) {
        this.crypto = crypto;
    }

    @Override
    public String decode(String property, String configured) {
        try {
            return new String(crypto.decryptAes(configured.toCharArray()));
        } catch (KuraException | RuntimeException e) {
            return configured; // not encrypted by Kura
        }
    }
}
