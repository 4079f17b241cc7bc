package io.robmqtt.itest;

import io.robmqtt.testing.TestBroker;
import java.io.IOException;

/**
 * A broker the itests can run: each {@link #start} is a process of the test's own on a free port of 127.0.0.1,
 * which the test may kill and start again. A broker matrix (RabbitMQ, Artemis, HiveMQ) adds a factory here and
 * hands it to {@link BrokerExtension}.
 */
@FunctionalInterface
interface BrokerImplementation {

    /** Starts one broker process; skips the test, saying why, where this broker cannot run here. */
    TestBroker start() throws IOException;

    /**
     * Mosquitto where it is installed, otherwise Moquette; the environment variable
     * {@code ROBMQTT_ITEST_BROKER=moquette} picks Moquette even where Mosquitto is installed.
     */
    static BrokerImplementation byDefault() {
        return TestBroker::start;
    }

    /** Moquette from the broker module's jar, in a child JVM, even where Mosquitto is installed. */
    static BrokerImplementation moquette() {
        return TestBroker::startMoquette;
    }

    /** Mosquitto, whose listener has these extra lines (TLS files, password_file, ...). */
    static BrokerImplementation mosquitto(String... listenerLines) {
        return () -> TestBroker.startMosquitto(listenerLines);
    }
}
