package io.robmqtt.client;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.common.LogValue;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.osgi.util.converter.ConversionException;
import org.osgi.util.converter.Converters;

/**
 * A connection's configuration, validated: what the component runs with. Built from the configuration
 * properties, with {@code MQTT_*} environment variables filling in what the configuration leaves unset.
 */
record ConnectionSettings(String connectionName, String clientId, List<String> brokerUris, boolean useTls,
        String caCerts, String certfile, String keyfile, String keyfilePassword, boolean verifyHostname,
        int certExpiryWarnDays, String username, String password, double minBackoff,
        double maxBackoff, int keepalive, int connectTimeout, boolean cleanSession, String willTopic,
        byte[] willPayload, int willQos, boolean willRetain, int maxInflight, double listenerWaitSeconds,
        double maxPublishRate, int maxPublishBurst, int listenerCapacity, double messageExpirySeconds,
        int failoverConnectTimeout, double failbackSeconds) {

    /** The longest message.expiry.seconds: ten years, as for a message's own expiry. */
    static final double MAX_EXPIRY_SECONDS = OutgoingMessage.MAX_EXPIRY_DAYS * 86_400.0;

    /** Validates and converts configuration properties; {@code environment} supplies unset ones. */
    static ConnectionSettings from(Map<String, ?> properties, Map<String, String> environment) {
        Map<String, Object> merged = EnvironmentOverlay.apply(properties, environment);
        ConfigTypes.check(merged);
        try {
            return from(merged, Converters.standardConverter().convert(merged).to(ConnectionConfig.class));
        } catch (ConversionException e) {
            throw new IllegalArgumentException("a connection property has a value of the wrong type: "
                    + e.getMessage() + " (properties: " + typedKeys(merged) + ")", e);
        }
    }

    private static ConnectionSettings from(Map<String, Object> merged, ConnectionConfig c) {
        Object id = merged.get("client.id");
        List<String> uris = brokerUris(c);
        ConnectionSettings settings = new ConnectionSettings(c.connection_name(), id == null ? null : id.toString(),
                uris, c.use_tls() || uris.stream().anyMatch(u -> u.startsWith("ssl://")), c.ca_certs(), c.certfile(),
                c.keyfile(), c.keyfile_password(), c.tls_hostname_verification(), c.cert_expiry_warn_days(),
                c.username(), c.password(), c.min_backoff(), c.max_backoff(), c.keepalive(),
                c.connect_timeout(), c.clean_session(), c.will_topic(),
                c.will_payload().getBytes(StandardCharsets.UTF_8), c.will_qos(), c.will_retain(), c.max_inflight(),
                c.listener_wait_seconds(), c.max_publish_rate(), c.max_publish_burst(), c.listener_capacity(),
                c.message_expiry_seconds(), c.failover_connect_timeout(), c.broker_failback_seconds());
        settings.validate();
        return settings;
    }

    /** Refuses characters that MQTT clients and brokers refuse, naming the property and the place, not the value. */
    private static void requireMqttText(String property, String value) {
        for (int i = 0; value != null && i < value.length(); i++) {
            char c = value.charAt(i);
            require(!OutgoingMessage.refusedByMqttClients(c), String.format("%s contains U+%04X at index %d; it "
                    + "must not hold control characters or the non-characters U+FDD0 to U+FDDF, U+FFFE and U+FFFF, "
                    + "which MQTT clients and brokers refuse", property, (int) c, i));
        }
    }

    /** These settings with other secrets: the values an attempt uses (see {@link Secrets}). */
    ConnectionSettings withSecrets(String password, String keyfilePassword) {
        return new ConnectionSettings(connectionName, clientId, brokerUris, useTls, caCerts, certfile, keyfile,
                keyfilePassword, verifyHostname, certExpiryWarnDays, username, password, minBackoff, maxBackoff,
                keepalive, connectTimeout, cleanSession, willTopic, willPayload, willQos, willRetain, maxInflight,
                listenerWaitSeconds, maxPublishRate, maxPublishBurst, listenerCapacity, messageExpirySeconds,
                failoverConnectTimeout, failbackSeconds);
    }

    /**
     * Seconds the broker at {@code index} of {@link #brokerUris} may take to answer a connect: the failover connect
     * timeout where another broker follows it, connect.timeout for the last (or only) one.
     */
    int connectTimeout(int index) {
        boolean another = index < brokerUris.size() - 1;
        return another && failoverConnectTimeout > 0 ? Math.min(failoverConnectTimeout, connectTimeout) : connectTimeout;
    }

    /** Whether a connection on a later broker of the list tries the first again while connected. */
    boolean failsBack() {
        return failbackSeconds > 0 && brokerUris.size() > 1;
    }

    /** How long a message without an expiry of its own may wait to be sent; zero for ever. */
    Duration messageExpiry() {
        return Duration.ofMillis(Math.round(messageExpirySeconds * 1000));
    }

    /** Names and value types, never values: the map may hold the password. */
    private static String typedKeys(Map<String, Object> merged) {
        StringBuilder keys = new StringBuilder();
        merged.forEach((key, value) -> keys.append(key).append(':')
                .append(value == null ? "null" : value.getClass().getSimpleName()).append(' '));
        return keys.toString().trim();
    }

    private static List<String> brokerUris(ConnectionConfig c) {
        // Blank entries are no entries: the Web Console's form sends one empty row for an empty list.
        List<String> configured = c.broker_uris() == null ? List.of()
                : Arrays.stream(c.broker_uris()).filter(u -> u != null && !u.isBlank()).toList();
        List<String> uris = new ArrayList<>();
        if (!configured.isEmpty()) {
            for (String uri : configured) {
                String normalised = normalise(uri.trim());
                checkUri(normalised, "broker.uris entry '" + normalised.replaceFirst("://[^/@]*@", "://***@") + "'");
                uris.add(normalised);
            }
        } else {
            require(c.broker_port() >= 1 && c.broker_port() <= 65_535,
                    "broker.port is " + c.broker_port() + "; it must be from 1 to 65535");
            require(c.broker_host() != null && !c.broker_host().isBlank(), "broker.host must not be empty");
            String uri = (c.use_tls() ? "ssl://" : "tcp://") + c.broker_host().trim() + ":" + c.broker_port();
            // user info is not shown: a host written as user:password@host would hold a password
            checkUri(uri, "broker.host " + LogValue.of(c.broker_host().trim().replaceFirst("^[^@]*@", "***@"))
                    + " (the broker URI made of it)");
            uris.add(uri);
        }
        return List.copyOf(uris);
    }

    /** Accepts the mqtt:// and mqtts:// spellings as Paho's tcp:// and ssl://. */
    private static String normalise(String uri) {
        if (uri.startsWith("mqtts://")) {
            return "ssl://" + uri.substring("mqtts://".length());
        }
        if (uri.startsWith("mqtt://")) {
            return "tcp://" + uri.substring("mqtt://".length());
        }
        return uri;
    }

    /** @param name the entry as the refusal names it: a broker.uris entry, or broker.host (user info hidden) */
    private static void checkUri(String configured, String name) {
        URI parsed;
        try {
            parsed = new URI(configured);
        } catch (URISyntaxException e) {
            // not e itself: its message repeats the entry, user info and all
            throw new IllegalArgumentException(name + " is not a URI: " + e.getReason()
                    + " at index " + e.getIndex());
        }
        require("tcp".equals(parsed.getScheme()) || "ssl".equals(parsed.getScheme()),
                name + " must start with tcp://, ssl://, mqtt:// or mqtts://");
        require(parsed.getHost() != null, name + " has no host");
        require(parsed.getPort() >= 1 && parsed.getPort() <= 65_535,
                name + " needs a port from 1 to 65535");
        require(parsed.getRawUserInfo() == null && (parsed.getRawPath() == null || parsed.getRawPath().isEmpty())
                && parsed.getRawQuery() == null && parsed.getRawFragment() == null,
                name + " must be scheme://host:port and nothing more: no user info "
                        + "(set username and password), path, trailing '/', query or fragment");
    }

    private void validate() {
        require(clientId != null && !clientId.isBlank(), "client.id is required: set it in the configuration or "
                + "in the environment variable " + ConnectionConfig.ENV_PREFIX + "CLIENT_ID; it must be unique "
                + "across the fleet, so it has no default");
        require(clientId.length() <= 65_535, "client.id is longer than MQTT allows (65535)");
        require(connectionName != null && !connectionName.isBlank(), "connection.name must not be empty");
        require(minBackoff >= 0, "min.backoff is " + minBackoff + "; it must be at least 0 seconds");
        require(minBackoff <= maxBackoff,
                "min.backoff (" + minBackoff + ") must not be greater than max.backoff (" + maxBackoff + ")");
        require(keepalive >= 0 && keepalive <= 65_535, "keepalive is " + keepalive + "; it must be 0 to 65535");
        require(connectTimeout >= 1, "connect.timeout is " + connectTimeout + "; it must be at least 1 second");
        require(failoverConnectTimeout >= 0 && failoverConnectTimeout <= 3_600, "failover.connect.timeout is "
                + failoverConnectTimeout + "; it must be from 0 (connect.timeout) to 3600 seconds");
        require(failbackSeconds == 0 || (failbackSeconds >= 1 && failbackSeconds <= 86_400), "broker.failback.seconds is "
                + failbackSeconds + "; it must be 0 (off) or from 1 to 86400 seconds");
        require(certExpiryWarnDays >= 0, "cert.expiry.warn.days is " + certExpiryWarnDays + "; it must be at least 0");
        require(certfile.isEmpty() == keyfile.isEmpty(),
                "certfile and keyfile go together for mutual TLS: set both or neither");
        require(willQos >= 0 && willQos <= 2, "will.qos is " + willQos + "; it must be 0, 1 or 2");
        require(listenerWaitSeconds >= 0 && listenerWaitSeconds <= 3_600,
                "listener.wait.seconds is " + listenerWaitSeconds + "; it must be from 0 to 3600");
        require(maxPublishRate >= 0 && Double.isFinite(maxPublishRate),
                "max.publish.rate is " + maxPublishRate + "; it must be 0 (no limit) or more messages per second");
        require(maxPublishBurst >= 0, "max.publish.burst is " + maxPublishBurst + "; it must be at least 0");
        require(listenerCapacity >= 1, "listener.capacity is " + listenerCapacity + "; it must be at least 1");
        require(messageExpirySeconds >= 0 && messageExpirySeconds <= MAX_EXPIRY_SECONDS,
                "message.expiry.seconds is " + messageExpirySeconds + "; it must be from 0 (never) to "
                        + (long) MAX_EXPIRY_SECONDS + " (ten years)");
        require(maxInflight >= 1 && maxInflight <= 65_535,
                "max.inflight is " + maxInflight + "; it must be from 1 to 65535");
        require(willTopic.isEmpty() || (willTopic.indexOf('+') < 0 && willTopic.indexOf('#') < 0),
                "will.topic '" + willTopic + "' must not contain '+' or '#'");
        requireMqttText("client.id", clientId);
        requireMqttText("username", username);
        requireMqttText("will.topic", willTopic);
    }

    private static void require(boolean rule, String message) {
        if (!rule) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Whether a username or password would cross the network unencrypted: no TLS, and a broker not on loopback. */
    boolean sendsCredentialsInClear() {
        return !useTls && (!username.isEmpty() || !password.isEmpty())
                && brokerUris.stream().map(u -> URI.create(u).getHost()).anyMatch(host -> !isLoopback(host));
    }

    /** Whether the host is this machine's loopback, by its name or literal address; never asks DNS. */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost") || h.toLowerCase(java.util.Locale.ROOT).endsWith(".localhost")) {
            return true;
        }
        boolean literal = h.matches("\\d{1,3}(\\.\\d{1,3}){3}") || h.contains(":");
        try {
            return literal && java.net.InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** Whether moving from this to {@code next} needs a new connection to the broker. */
    boolean needsReconnect(ConnectionSettings next) {
        return !withoutLiveFields().equals(next.withoutLiveFields());
    }

    /** The fields that take effect without reconnecting are left out (backoff and inflight window). */
    private List<Object> withoutLiveFields() {
        return List.of(clientId, brokerUris, useTls, caCerts, certfile, keyfile, keyfilePassword, verifyHostname,
                username, password, keepalive,
                connectTimeout, cleanSession, willTopic, new String(willPayload, StandardCharsets.UTF_8), willQos,
                willRetain);
    }

    /** Describes the settings without the password. */
    @Override
    public String toString() {
        return "ConnectionSettings[connection.name=" + connectionName + ", client.id=" + clientId + ", broker.uris="
                + brokerUris + ", tls=" + useTls + ", username=" + (username.isEmpty() ? "(none)" : username)
                + ", password=" + (password.isEmpty() ? "(none)" : "(set)")
                + (certfile.isEmpty() ? "" : ", certfile=" + certfile + ", keyfile=" + keyfile + ", keyfile.password="
                        + (keyfilePassword.isEmpty() ? "(none)" : "(set)"))
                + (useTls && !verifyHostname ? ", tls.hostname.verification=OFF" : "") + ", backoff=" + minBackoff + ".."
                + maxBackoff + "s, keepalive=" + keepalive + "s, clean.session=" + cleanSession + ", max.inflight="
                + maxInflight + ", listener.wait=" + listenerWaitSeconds + "s"
                + (maxPublishRate > 0 ? ", max.publish.rate=" + maxPublishRate + "/s burst " + maxPublishBurst : "")
                + (messageExpirySeconds > 0 ? ", message.expiry=" + messageExpirySeconds + "s" : "")
                + (brokerUris.size() > 1 ? ", failover.connect.timeout=" + failoverConnectTimeout + "s" : "")
                + (failsBack() ? ", broker.failback=" + failbackSeconds + "s" : "") + "]";
    }
}
