package io.robmqtt.itest;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.openssl.PKCS8Generator;

/** A CA of the test's own and the certificates and keys it issues, written as PEM files the way providers ship them. */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    final Path dir;
    final Path caCert;
    private final KeyPair caKeys;
    private final X509Certificate ca;

    TestPki(String name) throws Exception {
        dir = Files.createTempDirectory("robmqtt-pki-" + name);
        // mosquitto, started as root, drops to its own user and must be able to read its files
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        caKeys = rsa();
        ca = issue("CN=robmqtt test CA " + name, caKeys, caKeys, null, null, true, Duration.ofDays(365));
        caCert = write("ca.pem", ca);
    }

    /** A server certificate and PKCS#8 key naming {@code ipOrDns}; returns {cert, key}. */
    Path[] server(String fileName, String ipOrDns) throws Exception {
        KeyPair keys = rsa();
        GeneralName san = Character.isDigit(ipOrDns.charAt(0))
                ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(ipOrDns).getHostAddress())
                : new GeneralName(GeneralName.dNSName, ipOrDns);
        X509Certificate cert = issue("CN=" + ipOrDns, keys, caKeys, ca, san, false, Duration.ofDays(90));
        return new Path[] {write(fileName + ".crt", cert), writeKey(fileName + ".key", new JcaPKCS8Generator(keys.getPrivate(), null))};
    }

    /** A client certificate (with the CA after it: a chain) and its key in the given form; returns {cert, key}. */
    Path[] client(String fileName, KeyForm form, String password, Duration validity) throws Exception {
        KeyPair keys = form == KeyForm.EC_PKCS8 || form == KeyForm.EC_SEC1 ? ec() : rsa();
        X509Certificate cert = issue("CN=" + fileName, keys, caKeys, ca, null, false, validity);
        Path certFile = write(fileName + ".crt", cert, ca);
        Object key = switch (form) {
            case RSA_PKCS1 -> keys; // a KeyPair is written as "RSA PRIVATE KEY"
            case EC_SEC1 -> sec1(keys);
            case RSA_PKCS8, EC_PKCS8 -> new JcaPKCS8Generator(keys.getPrivate(), null);
            case RSA_PKCS8_ENCRYPTED -> new JcaPKCS8Generator(keys.getPrivate(),
                    new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                            .setPassword(password.toCharArray()).build());
        };
        return new Path[] {certFile, writeKey(fileName + ".key", key)};
    }

    /** "EC PRIVATE KEY" as OpenSSL writes it: SEC1 with the named curve inside. */
    private static org.bouncycastle.util.io.pem.PemObject sec1(KeyPair keys) throws IOException {
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
                org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        java.math.BigInteger d = ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS();
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, d,
                info.getPrivateKeyAlgorithm().getParameters());
        return new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded());
    }

    enum KeyForm { RSA_PKCS1, RSA_PKCS8, RSA_PKCS8_ENCRYPTED, EC_PKCS8, EC_SEC1 }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate issue(String subject, KeyPair subjectKeys, KeyPair issuerKeys, X509Certificate issuer,
            GeneralName san, boolean isCa, Duration validity) throws Exception {
        Instant now = Instant.now();
        X500Name issuerName = issuer == null ? new X500Name(subject) : new X500Name(issuer.getSubjectX500Principal().getName());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(validity)), new X500Name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (san != null) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san));
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer(issuerKeys)));
    }

    private static org.bouncycastle.operator.ContentSigner signer(KeyPair keys) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate());
    }

    private Path write(String name, Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            for (Object object : objects) {
                pem.writeObject(object);
            }
        }
        return readable(Files.writeString(dir.resolve(name), text.toString()));
    }

    private static Path readable(Path file) throws IOException {
        return Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }

    private Path writeKey(String name, Object key) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
            if (key instanceof PKCS8Generator generator) {
                pem.writeObject(generator.generate());
            } else {
                pem.writeObject(key);
            }
        }
        return readable(Files.writeString(dir.resolve(name), text.toString()));
    }
}
