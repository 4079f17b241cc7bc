package io.robmqtt.itest;

import io.robmqtt.testing.TestBroker;
import java.io.IOException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's broker and the {@link FaultyLink} in front of it, stopped after each test. Register it on a field:
 *
 * <pre>
 * &#64;RegisterExtension
 * final BrokerExtension broker = new BrokerExtension(); // or new BrokerExtension(BrokerImplementation.moquette())
 * </pre>
 *
 * The broker starts when the test first asks for it ({@link #uri()}, {@link #link()}, ...), so a test starts it
 * where it needs it (after its store configuration) and a test that needs none starts none; the link starts
 * the first time {@link #link()} is called. A test that needs a broker of its own kind for this test only
 * (a TLS listener, a password file) starts it with {@link #start(BrokerImplementation)}. Used without
 * registering it ({@link BrokerMatrix}), its broker lives until {@link #stopBroker}.
 */
final class BrokerExtension implements AfterEachCallback {
    private final BrokerImplementation implementation;
    private TestBroker broker;
    private FaultyLink link;

    /** The default broker: Mosquitto where installed, else Moquette (see {@link BrokerImplementation#byDefault}). */
    BrokerExtension() {
        this(BrokerImplementation.byDefault());
    }

    BrokerExtension(BrokerImplementation implementation) {
        this.implementation = implementation;
    }

    /** Starts this broker for the current test instead of the extension's own; at most one per test. */
    synchronized TestBroker start(BrokerImplementation other) throws IOException {
        if (broker != null) {
            throw new IllegalStateException("this test's broker is running already, on port " + broker.port());
        }
        broker = other.start();
        return broker;
    }

    private synchronized TestBroker broker() throws IOException {
        return broker != null ? broker : start(implementation);
    }

    /** The link in front of the broker, for the client: it can drop, refuse or silence connections. */
    synchronized FaultyLink link() throws IOException {
        if (link == null) {
            link = new FaultyLink(broker().port());
        }
        return link;
    }

    /** The broker itself, past the link: for subscribers, and for clients the link must not disturb. */
    String uri() throws IOException {
        return broker().uri();
    }

    String tlsUri() throws IOException {
        return broker().tlsUri();
    }

    int port() throws IOException {
        return broker().port();
    }

    boolean isMosquitto() throws IOException {
        return broker().isMosquitto();
    }

    /** SIGKILL: the broker loses whatever it held in memory. */
    void kill() throws IOException, InterruptedException {
        broker().kill();
    }

    /** Starts the killed broker again, on the same port. */
    void startProcess() throws IOException {
        broker().startProcess();
    }

    /** mosquitto, moquette, rabbitmq, artemis or hivemq. */
    String kind() throws IOException {
        return broker().kind();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            stopLink();
        } finally {
            stopBroker();
        }
    }

    /** Closes the link; the next {@link #link()} opens a new one. */
    synchronized void stopLink() throws IOException {
        try {
            if (link != null) {
                link.close();
            }
        } finally {
            link = null;
        }
    }

    /** Stops the broker; the next call that needs it starts a new one. */
    synchronized void stopBroker() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
