package io.robmqtt.itest;

import io.robmqtt.testing.RabbitMqNode;
import io.robmqtt.testing.TestBroker;
import java.io.IOException;

/**
 * A broker the itests can run: each {@link #start} is a process of the test's own on a free port of 127.0.0.1,
 * which the test may kill and start again. The broker matrix ({@link BrokerMatrix}) runs the same suite against
 * each of these factories.
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

    /** A RabbitMQ node of the test's own with its MQTT plugin (see {@link RabbitMqNode}). */
    static BrokerImplementation rabbitMq() {
        return RabbitMqNode::start;
    }

    /** Apache ActiveMQ Artemis with an MQTT acceptor, from brokers/artemis, in a child JVM. */
    static BrokerImplementation artemis() {
        return TestBroker::startArtemis;
    }

    /** HiveMQ Community Edition, embedded, from brokers/hivemq, in a child JVM. */
    static BrokerImplementation hiveMq() {
        return TestBroker::startHiveMq;
    }
}
