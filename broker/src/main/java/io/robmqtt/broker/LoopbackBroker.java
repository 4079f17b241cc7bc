package io.robmqtt.broker;

import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.robmqtt.broker.runner.BrokerProcess;
import java.io.IOException;
import java.util.Properties;

/**
 * Moquette on 127.0.0.1, in memory, anonymous, with its telemetry and reporting off: a broker for the demo and
 * for tests on machines without Mosquitto. Usage: {@code java -jar robmqtt-broker.jar PORT}. It prints
 * "listening on 127.0.0.1:PORT" once it accepts connections, and stops on SIGTERM or when its standard input
 * ends: a parent that starts it with a pipe (the demo, the tests) never leaves it running after it dies itself,
 * even when SIGKILLed.
 */
public final class LoopbackBroker implements BrokerProcess.Broker {
    private final Server server = new Server();

    public static void main(String[] args) throws InterruptedException {
        BrokerProcess.run("robmqtt-broker.jar", args, new LoopbackBroker());
    }

    @Override
    public void start(int port) throws IOException {
        server.startServer(new MemoryConfig(properties(port)));
    }

    @Override
    public void stop() {
        server.stopServer();
    }

    static Properties properties(int port) {
        Properties p = new Properties();
        p.setProperty(BrokerConstants.HOST_PROPERTY_NAME, "127.0.0.1");
        p.setProperty(BrokerConstants.PORT_PROPERTY_NAME, Integer.toString(port));
        p.setProperty(BrokerConstants.WEB_SOCKET_PORT_PROPERTY_NAME, BrokerConstants.DISABLED_PORT_BIND);
        p.setProperty(BrokerConstants.ALLOW_ANONYMOUS_PROPERTY_NAME, "true");
        p.setProperty(BrokerConstants.PERSISTENCE_ENABLED_PROPERTY_NAME, "false");
        p.setProperty(BrokerConstants.ENABLE_TELEMETRY_NAME, "false");
        p.setProperty(BrokerConstants.BUGSNAG_ENABLE_PROPERTY_NAME, "false");
        p.setProperty(BrokerConstants.METRICS_ENABLE_PROPERTY_NAME, "false");
        p.setProperty(BrokerConstants.NETTY_MAX_BYTES_PROPERTY_NAME, Integer.toString(4 * 1024 * 1024));
        p.setProperty(BrokerConstants.IMMEDIATE_BUFFER_FLUSH_PROPERTY_NAME, "true");
        return p;
    }
}
