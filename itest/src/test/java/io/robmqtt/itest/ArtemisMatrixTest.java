package io.robmqtt.itest;

/** The broker matrix against Apache ActiveMQ Artemis 2.55 (brokers/artemis), in a child JVM. */
class ArtemisMatrixTest extends BrokerMatrix {
    ArtemisMatrixTest() {
        super(BrokerImplementation.artemis(), BrokerBehaviour.STANDARD);
    }
}
