package io.robmqtt.itest;

/** The broker matrix against Moquette 0.17 (the broker module), in a child JVM. */
class MoquetteMatrixTest extends BrokerMatrix {
    MoquetteMatrixTest() {
        super(BrokerImplementation.moquette(), BrokerBehaviour.MOQUETTE);
    }
}
