package io.robmqtt.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.util.encoders.DecoderException;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads certificates and private keys from PEM files as cloud providers hand them out: certificates (one or a
 * chain), RSA keys in PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as AWS IoT Core gives) or PKCS#8, EC keys in
 * SEC1 or PKCS#8, and password-encrypted PKCS#8. Every error names the file and the problem, never the password.
 */
final class PemFiles {
    private static final java.security.Provider BOUNCY_CASTLE =
            new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private PemFiles() {}

    /** The certificates in a PEM file, in file order (a chain: the leaf first). */
    static List<X509Certificate> certificates(String property, Path file) {
        byte[] bytes = read(property, file);
        if (!new String(bytes, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            throw new TlsConfigurationException(property + " " + file + " is not a PEM file of certificates "
                    + "(no '-----BEGIN CERTIFICATE-----' in it)");
        }
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new TlsConfigurationException(property + " " + file + " holds no certificate");
            }
            return certificates;
        } catch (CertificateException | IOException e) {
            throw new TlsConfigurationException(property + " " + file + " has a certificate that cannot be read: "
                    + e.getMessage(), e);
        }
    }

    /** The private key in a PEM file; {@code password} for an encrypted key, else empty. */
    static PrivateKey privateKey(Path file, char[] password) {
        byte[] bytes = read("keyfile", file);
        try (Reader reader = new java.io.InputStreamReader(new java.io.ByteArrayInputStream(bytes),
                StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BOUNCY_CASTLE);
            for (Object object; (object = parser.readObject()) != null; ) {
                if (object instanceof PEMKeyPair pair) {
                    return jdkKey(file, converter.getPrivateKey(pair.getPrivateKeyInfo()));
                }
                if (object instanceof PrivateKeyInfo info) {
                    return jdkKey(file, converter.getPrivateKey(info));
                }
                if (object instanceof PKCS8EncryptedPrivateKeyInfo encrypted) {
                    return jdkKey(file, converter.getPrivateKey(decrypt(file, encrypted, password)));
                }
                if (object instanceof PEMEncryptedKeyPair) {
                    throw new TlsConfigurationException("keyfile " + file + " is a legacy OpenSSL-encrypted key; "
                            + "convert it to encrypted PKCS#8 (openssl pkcs8 -topk8) or to an unencrypted key");
                }
            }
            throw new TlsConfigurationException("keyfile " + file + " holds no private key (expected '-----BEGIN "
                    + "RSA PRIVATE KEY-----', 'EC PRIVATE KEY', 'PRIVATE KEY' or 'ENCRYPTED PRIVATE KEY')");
        } catch (IOException | DecoderException e) {
            // Bouncy Castle throws DecoderException, unchecked, for a bad character in the base64 body
            throw new TlsConfigurationException("keyfile " + file + " is not a PEM private key: " + e.getMessage(), e);
        }
    }

    /**
     * The same key as the JDK's own type, from its PKCS#8 encoding: Bouncy Castle reads every PEM form (the JDK
     * cannot read a SEC1 EC key), the JDK's TLS wants its own key classes.
     */
    private static PrivateKey jdkKey(Path file, PrivateKey key) {
        try {
            String algorithm = key.getAlgorithm().equals("ECDSA") ? "EC" : key.getAlgorithm(); // BC's name, JDK's
            return java.security.KeyFactory.getInstance(algorithm)
                    .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new TlsConfigurationException("keyfile " + file + " holds a " + key.getAlgorithm()
                    + " key the JVM cannot use: " + e.getMessage(), e);
        }
    }

    private static PrivateKeyInfo decrypt(Path file, PKCS8EncryptedPrivateKeyInfo encrypted, char[] password) {
        if (password.length == 0) {
            throw new TlsConfigurationException("keyfile " + file + " is encrypted: set keyfile.password");
        }
        try {
            // Bouncy Castle's own provider (an instance, not registered in the JVM): the JDK's lacks PKCS7Padding
            return encrypted.decryptPrivateKeyInfo(new JceOpenSSLPKCS8DecryptorProviderBuilder()
                    .setProvider(BOUNCY_CASTLE).build(password));
        } catch (PKCSException | OperatorCreationException e) {
            throw new TlsConfigurationException("keyfile " + file + " could not be decrypted: keyfile.password is "
                    + "wrong, or the encryption is not supported", e);
        }
    }

    private static byte[] read(String property, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsConfigurationException(property + " " + file + " does not exist", e);
        } catch (IOException e) {
            throw new TlsConfigurationException(property + " " + file + " cannot be read: " + e, e);
        }
    }

    /** Whether the key belongs to the certificate: a signature made with it verifies with the certificate. */
    static boolean matches(PrivateKey key, X509Certificate certificate) {
        try {
            String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            byte[] probe = "robmqtt key check".getBytes(StandardCharsets.US_ASCII);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
