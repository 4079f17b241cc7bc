package io.robmqtt.kura;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.kura.KuraException;
import org.eclipse.kura.crypto.CryptoService;
import org.junit.jupiter.api.Test;

/** Passwords Kura's UI stored encrypted are decrypted with its CryptoService; others are used as they are. */
class KuraSecretsTest {
    /** Stands in for Kura's CryptoService: "enc:" + the value is what it encrypted. */
    private final CryptoService crypto = encrypted -> {
        String value = new String(encrypted);
        if (!value.startsWith("enc:")) {
            throw new KuraException("not encrypted by this Kura");
        }
        return value.substring(4).toCharArray();
    };

    @Test
    void aValueKuraEncryptedIsDecrypted() {
        assertThat(new KuraSecrets(crypto).decode("password", "enc:s3cret")).isEqualTo("s3cret");
    }

    @Test
    void aValueKuraDidNotEncryptIsUsedAsItIs() {
        assertThat(new KuraSecrets(crypto).decode("keyfile.password", "from-the-environment"))
                .isEqualTo("from-the-environment");
    }
}
