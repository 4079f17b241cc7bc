package io.robmqtt.client;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One MQTT connection: the factory configuration {@value #FACTORY_PID}, one instance per connection. The only
 * place the connection's defaults are declared. Names follow the Python original ({@code broker_host} is
 * {@code broker.host}). The OCD id is the factory PID: Eclipse Kura reads {@code OSGI-INF/metatype/<pid>.xml}
 * and looks the OCD up by the PID. Attributes that may be left empty say {@code required = false}: Kura's UI
 * refuses to save an empty required field.
 */
@ObjectClassDefinition(id = ConnectionConfig.FACTORY_PID,
        name = "robmqtt connection",
        description = "An MQTT connection of robmqtt: registers an MqttPublisher service named by connection.name.")
public @interface ConnectionConfig {

    /** The factory PID. */
    String FACTORY_PID = "io.robmqtt.connection";

    /** Prefix of the environment variables that supply values the configuration leaves unset. */
    String ENV_PREFIX = "MQTT_";

    @AttributeDefinition(name = "Connection name",
            description = "Names this connection: the connection.name property of its MqttPublisher service, "
                    + "and the key of its rows in the store. Keep it stable: changing it leaves the messages "
                    + "queued under the old name behind.")
    String connection_name() default "default";

    @AttributeDefinition(name = "Client id",
            description = "Unique identifier of this device at the broker; required, no default, because it "
                    + "must be unique across the fleet. Keep it stable so the broker keeps the session.")
    String client_id();

    @AttributeDefinition(name = "Broker host", description = "MQTT broker hostname or IP.")
    String broker_host() default "localhost";

    @AttributeDefinition(name = "Broker port", description = "MQTT broker port (8883 for TLS).",
            min = "1", max = "65535")
    int broker_port() default 1883;

    @AttributeDefinition(name = "Broker URIs",
            description = "Brokers of a cluster, or a primary and its standbys, tried in turn from the first at "
                    + "each reconnect (tcp://host:port or ssl://host:port); the backoff waits only after every one "
                    + "failed. When set, broker.host and broker.port are not used.",
            cardinality = 100, required = false)
    String[] broker_uris() default {};

    @AttributeDefinition(name = "Use TLS", description = "Encrypt the connection with TLS.")
    boolean use_tls() default false;

    @AttributeDefinition(name = "CA certificates", description = "PEM file of the CAs that sign the broker's "
            + "certificate; empty for the JVM's trust store.", required = false)
    String ca_certs() default "";

    @AttributeDefinition(name = "Client certificate", description = "PEM certificate for mutual TLS; needs keyfile.",
            required = false)
    String certfile() default "";

    @AttributeDefinition(name = "Client key", description = "PEM private key for mutual TLS; needs certfile.",
            required = false)
    String keyfile() default "";

    @AttributeDefinition(name = "Client key password", description = "Password of an encrypted PKCS#8 keyfile; "
            + "never logged or shown.", type = AttributeType.PASSWORD, required = false)
    String keyfile_password() default "";

    @AttributeDefinition(name = "Verify broker host name",
            description = "Check that the broker's certificate names the host connected to. Turn off only for "
                    + "testing: a WARN is logged at every connect while it is off.")
    boolean tls_hostname_verification() default true;

    @AttributeDefinition(name = "Certificate expiry warning (days)",
            description = "Warn (log and statistics) when the client certificate expires within this many days.",
            min = "0")
    int cert_expiry_warn_days() default 30;

    @AttributeDefinition(name = "Username", description = "MQTT username; empty for none.", required = false)
    String username() default "";

    @AttributeDefinition(name = "Password", description = "MQTT password; never logged or shown.",
            type = AttributeType.PASSWORD, required = false)
    String password() default "";

    @AttributeDefinition(name = "Minimum backoff",
            description = "First reconnect wait in seconds; each failed attempt doubles it, with jitter.", min = "0")
    double min_backoff() default 1.0;

    @AttributeDefinition(name = "Maximum backoff",
            description = "Longest reconnect wait in seconds; a broker that refuses the connection (bad "
                    + "credentials, not authorised) is retried at this interval.", min = "0")
    double max_backoff() default 60.0;

    @AttributeDefinition(name = "Keepalive", description = "MQTT keepalive in seconds: how soon a dead link "
            + "that did not close is noticed (about 1.5 times this).", min = "0")
    int keepalive() default 60;

    @AttributeDefinition(name = "Connect timeout", description = "Seconds one broker may take to answer a "
            + "connect (TCP, TLS and CONNACK) before the attempt fails.", min = "1")
    int connect_timeout() default 30;

    @AttributeDefinition(name = "Failover connect timeout",
            description = "With several broker URIs: seconds a broker that has another after it in the list may "
                    + "take to answer a connect before the next is tried, so that a silent node does not cost a "
                    + "whole connect timeout; the last broker of the list gets connect.timeout. 0: connect.timeout "
                    + "for every broker. Applies at the next attempt.", min = "0", max = "3600")
    int failover_connect_timeout() default 10;

    @AttributeDefinition(name = "Fail-back interval",
            description = "With several broker URIs: while connected to a broker other than the first, try the "
                    + "first every this many seconds, and move back to it once it answers (the new session first, "
                    + "then a clean disconnect from the other). 0: off, stay until the connection is lost. "
                    + "Applies at once.", min = "0", max = "86400")
    double broker_failback_seconds() default 0.0;

    @AttributeDefinition(name = "Clean session",
            description = "Start a new MQTT session at each connect. False keeps the broker's session (and "
                    + "messages for our subscriptions) while offline.")
    boolean clean_session() default false;

    @AttributeDefinition(name = "Will topic", description = "Last Will topic; empty for no Last Will.",
            required = false)
    String will_topic() default "";

    @AttributeDefinition(name = "Will payload", description = "Last Will payload (UTF-8).", required = false)
    String will_payload() default "";

    @AttributeDefinition(name = "Will QoS", description = "Last Will QoS, 0 to 2.", min = "0", max = "2")
    int will_qos() default 0;

    @AttributeDefinition(name = "Will retain", description = "Whether the broker retains the Last Will.")
    boolean will_retain() default false;

    @AttributeDefinition(name = "Maximum inflight",
            description = "Most messages sent and not yet acknowledged at once, while live and while draining.",
            min = "1", max = "65535")
    int max_inflight() default 100;

    @AttributeDefinition(name = "Listener wait",
            description = "Seconds a received QoS 1 or 2 message that no listener claims is held unacknowledged, "
                    + "waiting for a listener to register: after start-up, and after a filter's last listener went "
                    + "away. Then the filter is unsubscribed, and such messages are acknowledged and dropped "
                    + "(counted as dropped, reason no_listener). 0 drops them at once.",
            min = "0", max = "3600")
    double listener_wait_seconds() default 30.0;

    @AttributeDefinition(name = "Message expiry",
            description = "Seconds a message may wait to be sent, counted from its acceptance: one older is never "
                    + "sent, but removed (at the drain, and by a sweep every 10 s), and its delivery completes with "
                    + "MessageExpiredException. A message's own expiry (publish with an expiry) overrides it. "
                    + "Messages already handed to the broker complete their exchange. 0: never. Applies at once, "
                    + "also to messages already queued.", min = "0", max = "315360000")
    double message_expiry_seconds() default 0.0;

    @AttributeDefinition(name = "Maximum publish rate",
            description = "Most messages per second the connection sends to the broker, live, drained and re-sent "
                    + "alike (a cloud broker's per-connection quota); 0 for no limit. What it holds back waits "
                    + "durably in the queue. Applies at once.", min = "0")
    double max_publish_rate() default 0.0;

    @AttributeDefinition(name = "Listener capacity",
            description = "Most received messages waiting for one listener. QoS 0 messages beyond it are dropped and "
                    + "counted (dropped, reason lane_full); QoS 1 and 2 messages wait unacknowledged, bounded by the "
                    + "broker's inflight window for this client.", min = "1")
    int listener_capacity() default 1000;

    @AttributeDefinition(name = "Maximum publish burst",
            description = "Most messages sent at once after a quiet spell, above the rate; 0 for one second's "
                    + "worth of the rate.", min = "0")
    int max_publish_burst() default 0;
}
