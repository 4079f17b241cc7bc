package io.robmqtt.broker.runner;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * What every broker runner of the test matrix does around its broker: reads the port from its one argument,
 * exits when its standard input ends (the parent test died, even by SIGKILL), starts the broker, prints
 * "listening on 127.0.0.1:PORT" once it serves clients, and stops it on SIGTERM.
 */
public final class BrokerProcess {
    /** Starts a broker bound to 127.0.0.1:port, or throws; {@link #stop} ends it. */
    public interface Broker {
        void start(int port) throws Exception;

        void stop() throws Exception;
    }

    private BrokerProcess() {
    }

    /** Runs the broker until SIGTERM or the end of standard input; {@code jar} names this runner in errors. */
    public static void run(String jar, String[] args, Broker broker) throws InterruptedException {
        int port = port(jar, args);
        Thread parentWatch = new Thread(() -> exitAtEndOf(System.in), "broker-parent-watch");
        parentWatch.setDaemon(true);
        parentWatch.start();
        try {
            broker.start(port);
        } catch (Exception e) {
            // Broker threads are often not daemons: without exit, a failed start would never end.
            System.err.println("the broker could not start on 127.0.0.1:" + port + ": " + e);
            e.printStackTrace();
            System.exit(1);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.stop();
            } catch (Exception e) {
                System.err.println("the broker did not stop cleanly: " + e);
            }
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

    static int port(String jar, String[] args) {
        String usage = "usage: java -jar " + jar + " PORT";
        if (args.length != 1) {
            throw new IllegalArgumentException(usage + " (one argument, got " + args.length + ")");
        }
        int port;
        try {
            port = Integer.parseInt(args[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage + ": PORT must be a number 1..65535, got '" + args[0] + "'", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(usage + ": PORT must be 1..65535, got " + port);
        }
        return port;
    }
}
