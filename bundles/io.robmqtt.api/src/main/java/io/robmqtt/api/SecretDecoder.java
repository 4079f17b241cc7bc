package io.robmqtt.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A runtime's way to turn a configured secret into the value robmqtt uses, for runtimes that store secrets
 * encrypted: the Kura adapter registers one that decrypts with Kura's {@code CryptoService}. robmqtt calls the
 * highest-ranked one at each connection attempt for the MQTT {@code password} and {@code keyfile.password};
 * without one, configured values are used as they are. The value returned is used for that attempt only and
 * never becomes a component or service property.
 *
 * @since 1.2
 */
@ConsumerType
public interface SecretDecoder {

    /**
     * @param property the configuration property the secret comes from, {@code password} or
     *     {@code keyfile.password}
     * @param configured the value as configured (not empty)
     * @return the value to use
     * @throws IllegalArgumentException if the value cannot be decoded; the message must not contain the value
     */
    String decode(String property, String configured);
}
