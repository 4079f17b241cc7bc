package io.robmqtt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The errors PEM files give, named by file and problem, and the TLS versions offered. */
class PemFilesTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("missing.pem");
        assertThatThrownBy(() -> PemFiles.certificates("ca.certs", missing))
                .hasMessage("ca.certs " + missing + " does not exist");
    }

    @Test
    void aFileThatIsNotPemIsNamed() throws Exception {
        Path binary = Files.write(dir.resolve("ca.der"), new byte[] {0x30, (byte) 0x82, 1, 2, 3});
        assertThatThrownBy(() -> PemFiles.certificates("ca.certs", binary))
                .hasMessageContaining("ca.certs " + binary + " is not a PEM file of certificates");
        assertThatThrownBy(() -> PemFiles.privateKey(binary, new char[0]))
                .hasMessageContaining("keyfile " + binary + " holds no private key");
    }

    @Test
    void aKeyFileWithABadCharacterInItsBase64IsNamed() throws Exception {
        String pem = pkcs8Pem();
        int body = pem.indexOf('\n') + 10;
        Path damaged = Files.writeString(dir.resolve("damaged.pem"), pem.substring(0, body) + "*" + pem.substring(body + 1));
        assertThatThrownBy(() -> PemFiles.privateKey(damaged, new char[0])).isInstanceOf(TlsConfigurationException.class)
                .hasMessageContaining("keyfile " + damaged + " is not a PEM private key");
    }

    @Test
    void aCertificateFileWithOnlyAKeyInItHasNoCertificate() throws Exception {
        Path keyOnly = Files.writeString(dir.resolve("key-only.pem"), pkcs8Pem());
        assertThatThrownBy(() -> PemFiles.certificates("certfile", keyOnly))
                .hasMessageContaining("certfile " + keyOnly + " is not a PEM file of certificates");
    }

    @Test
    void aPkcs8KeyIsReadAndAnEncryptedOneWithoutPasswordIsNamed() throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), pkcs8Pem());
        assertThat(PemFiles.privateKey(key, new char[0]).getAlgorithm()).isEqualTo("RSA");
        Path encrypted = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + encryptedBody() + "\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.privateKey(encrypted, new char[0]))
                .hasMessageContaining("keyfile " + encrypted + " is encrypted: set keyfile.password");
    }

    @Test
    void onlyTls12And13AreOffered() throws Exception {
        ConnectionSettings settings = ConnectionSettings.from(Map.of("client.id", "c", "use.tls", true), Map.of());
        try (SSLSocket socket = (SSLSocket) TlsContext.build(settings, java.time.Clock.systemUTC()).socketFactory()
                .createSocket()) {
            assertThat(socket.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        }
    }

    private static String pkcs8Pem() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(generator.generateKeyPair().getPrivate()
                        .getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    /** A real encrypted PKCS#8 structure, made with Bouncy Castle. */
    private static String encryptedBody() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        var encryptor = new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(
                org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                .setPassword("pw".toCharArray()).build();
        byte[] der = new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(generator.generateKeyPair().getPrivate(),
                encryptor).generate().getContent();
        return Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
    }
}
