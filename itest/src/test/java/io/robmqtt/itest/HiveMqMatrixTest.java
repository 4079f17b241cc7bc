package io.robmqtt.itest;

/** The broker matrix against HiveMQ Community Edition 2025.5, embedded (brokers/hivemq), in a child JVM. */
class HiveMqMatrixTest extends BrokerMatrix {
    HiveMqMatrixTest() {
        super(BrokerImplementation.hiveMq(), BrokerBehaviour.STANDARD);
    }
}
