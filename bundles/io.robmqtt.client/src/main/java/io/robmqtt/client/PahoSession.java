package io.robmqtt.client;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.store.StoredMessage;
import io.robmqtt.common.LogValue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.ScheduledExecutorPingSender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker session: a Paho client created for one connection attempt and closed when the attempt fails, the
 * connection is lost or robmqtt disconnects. A fresh client each time keeps Paho from re-sending anything on
 * its own: re-sending belongs to robmqtt's inflight store alone, so nothing is sent twice by two owners.
 * Paho's automatic reconnect is never used (it does not retry a failed first connect, its delay is static and
 * shared by every client in the JVM, and it has no jitter).
 */
final class PahoSession implements MqttCallbackExtended, Router.Target, BrokerLink {
    private static final Logger LOG = LoggerFactory.getLogger(PahoSession.class);
    private static final long QUIESCE_MILLIS = 1_000;
    private static final long DISCONNECT_WAIT_MILLIS = 5_000;
    private static final ThreadLocal<Boolean> ACKNOWLEDGING = new ThreadLocal<>();

    /** What the session reports; called on Paho's threads. */
    interface Events {
        void connected(PahoSession session, boolean sessionPresent);

        void connectFailed(PahoSession session, Throwable cause);

        void lost(PahoSession session, Throwable cause);

        void acknowledged(PahoSession session, long sequence);

        void sendFailed(PahoSession session, long sequence, Throwable cause);

        void messageArrived(PahoSession session, String topic, MqttMessage message);
    }

    private final MqttAsyncClient client;
    private final Events events;
    private final InflightWindow window;
    /** Messages sent in this session and not yet acknowledged: never sent twice within one session. */
    private final Set<Long> sent = ConcurrentHashMap.newKeySet();
    private final BrokerGrants grants;
    private final IMqttActionListener ackListener = new AckListener();
    private volatile boolean alive;
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();

    private final MqttConnectOptions options;
    /** Which of the connection's broker URIs this session connects to, and that URI. */
    private final int broker;
    private final String uri;
    /** Ends the connect if the broker does not answer in time; cancelled at close. */
    private volatile Future<?> watchdog;

    /**
     * @param broker the index in broker.uris of the broker to connect to: one per session, so that robmqtt, not
     *        Paho, decides when to try the next one and how long each may take
     * @param tls the TLS context built for this attempt, or null without TLS
     * @param received the QoS 2 messages received in earlier sessions and not yet released by the broker; Paho
     *        opens it with the first broker URI whichever broker is tried, so the records belong to the client id
     *        and the list, not to the node of a cluster the session happens to run on
     * @param pings where Paho's keepalive checks run, shared by the connections (instead of a Timer thread each)
     */
    PahoSession(ConnectionSettings settings, int broker, TlsContext tls, Events events, ReceivedQos2 received,
            ScheduledExecutorService pings) throws MqttException {
        this.options = options(settings, broker, tls);
        this.broker = broker;
        this.uri = settings.brokerUris().get(broker);
        this.client = new MqttAsyncClient(settings.brokerUris().get(0), settings.clientId(), received,
                new ScheduledExecutorPingSender(pings), null);
        this.events = events;
        this.grants = new BrokerGrants(settings.clientId());
        this.window = new InflightWindow(settings.maxInflight());
        client.setCallback(this);
        client.setManualAcks(true); // a message is acknowledged after its listeners returned, not before

    }

    void connect() {
        try {
            client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    connectEnded = true;
                    if (closed) {
                        closeAfterConnect(); // closed while connecting: this connection is not wanted
                        return;
                    }
                    alive = true;
                    events.connected(PahoSession.this, token.getSessionPresent());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    connectEnded = true;
                    if (closed) {
                        closeAfterConnect();
                        return;
                    }
                    events.connectFailed(PahoSession.this, cause);
                }
            });
        } catch (MqttException e) {
            events.connectFailed(this, e);
        }
    }

    /** The index in broker.uris of the broker this session connects to. */
    int broker() {
        return broker;
    }

    /** The URI of the broker this session connects to. */
    String uri() {
        return uri;
    }

    void watchdog(Future<?> task) {
        watchdog = task;
    }

    private static MqttConnectOptions options(ConnectionSettings settings, int broker, TlsContext tls) {
        MqttConnectOptions options = new MqttConnectOptions();
        if (tls != null) {
            options.setSocketFactory(tls.socketFactory());
            options.setHttpsHostnameVerificationEnabled(settings.verifyHostname());
        }
        options.setServerURIs(new String[] {settings.brokerUris().get(broker)});
        options.setCleanSession(settings.cleanSession());
        options.setKeepAliveInterval(settings.keepalive());
        options.setConnectionTimeout(settings.connectTimeout(broker)); // TCP only: ReconnectLoop times the CONNACK
        options.setAutomaticReconnect(false);
        // Paho's default tries 3.1.1 and then falls back to 3.1: two attempts for each of ours.
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setMaxInflight(settings.maxInflight());
        if (!settings.username().isEmpty()) {
            options.setUserName(settings.username());
        }
        if (!settings.password().isEmpty()) {
            options.setPassword(settings.password().toCharArray());
        }
        if (!settings.willTopic().isEmpty()) {
            options.setWill(settings.willTopic(), settings.willPayload(), settings.willQos(), settings.willRetain());
        }
        return options;
    }

    @Override
    public boolean alive() {
        return alive;
    }

    @Override
    public InflightWindow window() {
        return window;
    }

    boolean wasSent(long sequence) {
        return sent.contains(sequence);
    }

    /**
     * Sends a message whose inflight record is durable, holding a window permit that the acknowledgement (or
     * the failure) gives back. False when the client could not take it; the record stays for a re-send.
     */
    boolean send(StoredMessage stored) {
        OutgoingMessage m = stored.message();
        if (!sent.add(stored.sequence())) {
            window.release(); // already sent in this session, by the live path or the re-send
            return true;
        }
        grants.sending(stored.sequence(), m.qos());
        try {
            client.publish(m.topic(), m.payload(), m.qos(), m.retain(), stored.sequence(), ackListener);
            return true;
        } catch (MqttException | RuntimeException e) {
            sent.remove(stored.sequence());
            grants.answered(stored.sequence(), null);
            window.release();
            LOG.debug("event=send_failed sequence={} reason={}", stored.sequence(), LogValue.of(e.toString()));
            return false;
        }
    }

    /** A clean disconnect: no Last Will, no reconnect. Then releases Paho's threads and timers. */
    void disconnect() {
        alive = false;
        try {
            if (client.isConnected()) {
                client.disconnect(QUIESCE_MILLIS).waitForCompletion(DISCONNECT_WAIT_MILLIS);
            }
        } catch (MqttException e) {
            LOG.info("event=disconnect_unclean client_id={} reason={}: closing the connection anyway",
                    LogValue.of(client.getClientId()), LogValue.of(e.toString()));
            forceDisconnect();
        }
        close();
    }

    /** Whether Paho reported the end of the connect, either way. */
    private volatile boolean connectEnded;
    /** How long after a close a connect still under way is aborted. */
    private static final long ABORT_DELAY_MILLIS = 1_000;

    /** Releases Paho's threads, sockets and timers after a failed attempt or a lost connection. */
    void close() {
        alive = false;
        if (!closing.compareAndSet(false, true)) { // the lifecycle and a shutdown that gave up on it may both close
            return;
        }
        closed = true;
        Future<?> timing = watchdog;
        if (timing != null) {
            timing.cancel(false);
        }
        try {
            if (client.isConnected()) {
                forceDisconnect();
            }
            client.close(true);
        } catch (MqttException e) {
            if (e.getReasonCode() == MqttException.REASON_CODE_CONNECT_IN_PROGRESS) {
                // Paho will not close during a connect, and a silent broker never ends it: end the attempt, and the
                // connect listener closes the client. Not at once: aborting a connect in its first milliseconds,
                // before Paho's receiver runs, leaves Paho's connect thread waiting for it for ever (Paho 1.2.5).
                CompletableFuture.delayedExecutor(ABORT_DELAY_MILLIS, TimeUnit.MILLISECONDS).execute(() -> {
                    if (!connectEnded) {
                        forceDisconnect();
                    }
                });
                return;
            }
            LOG.warn("event=client_close_failed client_id={} reason={}", LogValue.of(client.getClientId()),
                    LogValue.of(e.toString()));
        }
    }

    /** On Paho's thread, once a connect that was under way when we closed has ended: release the client. */
    private void closeAfterConnect() {
        Thread closer = new Thread(() -> {
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 1_000, false);
                }
                client.close(true);
            } catch (MqttException e) {
                LOG.warn("event=client_close_failed client_id={} reason={}", LogValue.of(client.getClientId()),
                        LogValue.of(e.toString()));
            }
        }, "robmqtt-close " + client.getClientId());
        closer.setDaemon(true);
        closer.start(); // not on Paho's callback thread: closing from there deadlocks
    }

    private void forceDisconnect() {
        try {
            client.disconnectForcibly(0, 1_000, false);
        } catch (MqttException | RuntimeException e) { // Paho throws NullPointerException for a client it closed
            LOG.debug("event=force_disconnect_failed reason={}", LogValue.of(e.toString()));
        }
    }

    @Override
    public void connectionLost(Throwable cause) {
        alive = false;
        events.lost(this, cause);
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        LOG.debug("event=transport_connected server={}", LogValue.of(serverUri));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        events.messageArrived(this, topic, message);
    }

    @Override
    public void subscribe(String filter, int qos) {
        try {
            client.subscribe(filter, qos, null, grants.subscription(filter, qos));
        } catch (MqttException e) {
            grants.subscribeFailed(filter, e);
        }
    }

    @Override
    public void unsubscribe(String filter) {
        try {
            client.unsubscribe(filter);
        } catch (MqttException e) {
            LOG.info("event=unsubscribe_failed client_id={} filter={} reason={}: the next session will not "
                    + "subscribe it", LogValue.of(client.getClientId()), LogValue.of(filter),
                    LogValue.of(e.toString()));
        }
    }

    @Override
    public void ack(MqttMessage message) {
        if (message.getQos() == 0 || closed) {
            return; // a closed session's client is gone: the broker sends the message again
        }
        try {
            client.messageArrivedComplete(message.getId(), message.getQos());
        } catch (MqttException e) {
            LOG.debug("event=ack_failed message_id={} reason={}: the broker will deliver it again",
                    message.getId(), LogValue.of(e.toString()));
        }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // acknowledgements are handled per message by AckListener
    }

    /**
     * Whether the current thread is delivering an acknowledgement, with the {@code Delivery} completions that
     * run on it. Such a thread must never wait for a window permit: only it could free one.
     */
    static boolean onAcknowledgementThread() {
        return ACKNOWLEDGING.get() != null;
    }

    private static void acknowledging(Runnable report) {
        ACKNOWLEDGING.set(Boolean.TRUE);
        try {
            report.run();
        } finally {
            ACKNOWLEDGING.remove();
        }
    }

    private final class AckListener implements IMqttActionListener {
        @Override
        public void onSuccess(IMqttToken token) {
            long sequence = (Long) token.getUserContext();
            sent.remove(sequence);
            grants.answered(sequence, token);
            window.release();
            acknowledging(() -> events.acknowledged(PahoSession.this, sequence));
        }

        @Override
        public void onFailure(IMqttToken token, Throwable cause) {
            long sequence = (Long) token.getUserContext();
            sent.remove(sequence);
            grants.answered(sequence, null);
            window.release();
            acknowledging(() -> events.sendFailed(PahoSession.this, sequence, cause));
        }
    }
}
