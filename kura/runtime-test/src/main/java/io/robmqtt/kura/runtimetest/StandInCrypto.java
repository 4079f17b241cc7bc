package io.robmqtt.kura.runtimetest;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.crypto.CryptoService;
import org.osgi.service.component.annotations.Component;

/**
 * Stands in for Kura's CryptoService, which is not in the Maven registry: what it "encrypted" is {@code enc:}
 * followed by the value. robmqtt's Kura adapter decrypts the connection's passwords with it.
 */
@Component(service = CryptoService.class)
public class StandInCrypto implements CryptoService {
    static final String PREFIX = "enc:";

    @Override
    public char[] decryptAes(char[] encryptedValue) throws KuraException {
        String value = new String(encryptedValue);
        if (!value.startsWith(PREFIX)) {
            throw new KuraException("not encrypted by this CryptoService");
        }
        return value.substring(PREFIX.length()).toCharArray();
    }
}
