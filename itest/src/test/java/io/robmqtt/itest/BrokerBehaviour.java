package io.robmqtt.itest;

/**
 * What a broker of the matrix does where MQTT 3.1.1 leaves it a choice, or where the broker departs from it, as
 * the suite saw it; each {@link BrokerMatrix} test asserts the behaviour its broker is recorded with here, so a
 * broker that changes fails the suite.
 */
record BrokerBehaviour(Qos2 qos2, Shared shared, Retained retained) {

    /** Every choice as MQTT 3.1.1 describes it: Mosquitto, Artemis 2.55, HiveMQ CE 2025.5. */
    static final BrokerBehaviour STANDARD = new BrokerBehaviour(Qos2.EXACTLY_ONCE, Shared.DELIVERED,
            Retained.TO_EVERY_MATCHING_FILTER);

    /** Moquette 0.17. */
    static final BrokerBehaviour MOQUETTE = new BrokerBehaviour(Qos2.EXACTLY_ONCE, Shared.GRANTED_NEVER_DELIVERED,
            Retained.WITHOUT_THE_RETAIN_FLAG);

    /** RabbitMQ 3.10 with its MQTT plugin. */
    static final BrokerBehaviour RABBITMQ = new BrokerBehaviour(Qos2.PUBACK_AND_DOWNGRADED_TO_QOS1,
            Shared.GRANTED_NEVER_DELIVERED, Retained.TO_THE_EXACT_TOPIC_ONLY);

    /** A QoS 2 message published and subscribed to. */
    enum Qos2 {
        /** PUBREC, PUBREL, PUBCOMP; a QoS 2 subscription is granted QoS 2, and messages arrive at QoS 2. */
        EXACTLY_ONCE,
        /**
         * RabbitMQ 3.10: a QoS 2 PUBLISH is answered with a PUBACK (not PUBREC) and the message routed; a QoS 2
         * subscription is granted QoS 1, so messages arrive at QoS 1.
         */
        PUBACK_AND_DOWNGRADED_TO_QOS1
    }

    /** A {@code $share/group/filter} subscription. */
    enum Shared {
        /** Messages that match the filter are delivered (to one member of the group). */
        DELIVERED,
        /**
         * RabbitMQ 3.10 and Moquette 0.17 (for MQTT 3.1.1 clients): SUBACK grants it, but no message ever arrives
         * (the filter is taken as a topic name).
         */
        GRANTED_NEVER_DELIVERED
    }

    /** A retained message, for a subscription made after it was published. */
    enum Retained {
        /** Sent to every new subscription whose filter matches its topic, wildcards included, flagged retained. */
        TO_EVERY_MATCHING_FILTER,
        /** Moquette 0.17: sent to every matching new subscription, but with the retain flag cleared. */
        WITHOUT_THE_RETAIN_FLAG,
        /** RabbitMQ 3.10: sent only to a subscription to its exact topic, never through a wildcard filter. */
        TO_THE_EXACT_TOPIC_ONLY
    }
}
