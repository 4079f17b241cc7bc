package org.eclipse.kura.crypto;

import org.eclipse.kura.KuraException;

/**
 * Compile-time stand-in for the one method of Eclipse Kura's {@code CryptoService} that robmqtt calls, with
 * Kura's signature. Kura stores PASSWORD attributes encrypted and hands components the encrypted string; a
 * component decrypts it with this method. Never shipped: the io.robmqtt.kura bundle imports the package from
 * Kura.
 */
public interface CryptoService {

    /**
     * @param encryptedValue a value Kura encrypted
     * @return the decrypted value
     * @throws KuraException if the value cannot be decrypted
     */
    char[] decryptAes(char[] encryptedValue) throws KuraException;
}
