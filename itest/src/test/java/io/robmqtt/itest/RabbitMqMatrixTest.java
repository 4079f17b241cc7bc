package io.robmqtt.itest;

/** The broker matrix against a RabbitMQ 3.10 node of its own with the MQTT plugin. */
class RabbitMqMatrixTest extends BrokerMatrix {
    RabbitMqMatrixTest() {
        super(BrokerImplementation.rabbitMq(), BrokerBehaviour.RABBITMQ);
    }
}
