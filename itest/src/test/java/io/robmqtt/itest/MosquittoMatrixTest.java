package io.robmqtt.itest;

/** The broker matrix against Mosquitto (Debian), the reference: every choice as MQTT 3.1.1 describes it. */
class MosquittoMatrixTest extends BrokerMatrix {
    MosquittoMatrixTest() {
        super(BrokerImplementation.mosquitto(), BrokerBehaviour.STANDARD);
    }
}
