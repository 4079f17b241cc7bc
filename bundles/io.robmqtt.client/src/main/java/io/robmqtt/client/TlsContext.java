package io.robmqtt.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS side of a connection, built from the PEM files at each connection attempt, so that certificates and
 * keys replaced on disk are used at the next reconnect. TLS 1.2 and 1.3 only.
 *
 * @param socketFactory for Paho
 * @param expiryWarning why the client certificate needs attention soon, or empty
 */
record TlsContext(SSLSocketFactory socketFactory, String expiryWarning) {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    static TlsContext build(ConnectionSettings settings, Clock clock) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers(settings), trustManagers(settings), null);
            return new TlsContext(new ProtocolLimited(context.getSocketFactory()), expiryWarning(settings, clock));
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigurationException("the TLS context cannot be built: " + e.getMessage(), e);
        }
    }

    private static javax.net.ssl.TrustManager[] trustManagers(ConnectionSettings settings)
            throws GeneralSecurityException, IOException {
        if (settings.caCerts().isEmpty()) {
            return null; // the JVM's trust store
        }
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        int n = 0;
        for (X509Certificate ca : PemFiles.certificates("ca.certs", Path.of(settings.caCerts()))) {
            trusted.setCertificateEntry("ca-" + n++, ca);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        return factory.getTrustManagers();
    }

    private static javax.net.ssl.KeyManager[] keyManagers(ConnectionSettings settings)
            throws GeneralSecurityException, IOException {
        if (settings.certfile().isEmpty()) {
            return null;
        }
        List<X509Certificate> chain = PemFiles.certificates("certfile", Path.of(settings.certfile()));
        char[] password = settings.keyfilePassword().toCharArray();
        PrivateKey key = PemFiles.privateKey(Path.of(settings.keyfile()), password);
        if (!PemFiles.matches(key, chain.get(0))) {
            throw new TlsConfigurationException("keyfile " + settings.keyfile() + " does not belong to the certificate"
                    + " in certfile " + settings.certfile() + " (" + chain.get(0).getSubjectX500Principal() + ")");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] entryPassword = "robmqtt-in-memory".toCharArray();
        store.setKeyEntry("client", key, entryPassword, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, entryPassword);
        return factory.getKeyManagers();
    }

    private static String expiryWarning(ConnectionSettings settings, Clock clock) {
        if (settings.certfile().isEmpty()) {
            return "";
        }
        X509Certificate leaf = PemFiles.certificates("certfile", Path.of(settings.certfile())).get(0);
        Duration left = Duration.between(clock.instant(), leaf.getNotAfter().toInstant());
        if (left.toDays() < settings.certExpiryWarnDays()) {
            return "the client certificate in " + settings.certfile() + " (" + leaf.getSubjectX500Principal()
                    + ") expires " + leaf.getNotAfter().toInstant() + (left.isNegative() ? ": it has EXPIRED"
                    : ", in " + left.toDays() + " days");
        }
        return "";
    }

    /** Offers TLS 1.3 and 1.2 only, whatever the JVM enables by default. */
    private static final class ProtocolLimited extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        ProtocolLimited(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private Socket limit(Socket socket) {
            if (socket instanceof SSLSocket ssl) {
                ssl.setEnabledProtocols(PROTOCOLS);
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return limit(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return limit(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return limit(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return limit(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return limit(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return limit(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
