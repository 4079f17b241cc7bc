package io.robmqtt.broker;

import io.moquette.BrokerConstants;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Moquette on 127.0.0.1, in memory, anonymous, with its telemetry and reporting off: a broker for the demo and
 * for tests on machines without Mosquitto. Usage: {@code java -jar robmqtt-broker.jar PORT}. It prints
 * "listening on 127.0.0.1:PORT" once it accepts connections, and stops on SIGTERM or when its standard input
 * ends: a parent that starts it with a pipe (the demo, the tests) never leaves it running after it dies itself,
 * even when SIGKILLed.
 */
public final class LoopbackBroker {
    private LoopbackBroker() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int port = port(args);
        Thread parentWatch = new Thread(() -> exitAtEndOf(System.in), "broker-parent-watch");
        parentWatch.setDaemon(true);
        parentWatch.start();
        Server server = new Server();
        try {
            server.startServer(new MemoryConfig(properties(port)));
        } catch (IOException | RuntimeException e) {
            // Moquette's event loops are not daemon threads: without exit, a failed start would never end.
            System.err.println("the broker could not start on 127.0.0.1:" + port + ": " + e);
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stopServer();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("listening on 127.0.0.1:" + port);
        stopped.await();
    }

    private static void exitAtEndOf(InputStream in) {
        try {
            while (in.read() >= 0) {
                // input is ignored: only its end matters
            }
        } catch (IOException e) {
            System.err.println("standard input failed, stopping: " + e);
        }
        System.exit(0);
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

    private static int port(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: java -jar robmqtt-broker.jar PORT (one argument, got "
                    + args.length + ")");
        }
        try {
            int port = Integer.parseInt(args[0]);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("PORT must be 1..65535, got " + port);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT must be a number 1..65535, got '" + args[0] + "'", e);
        }
    }
}
