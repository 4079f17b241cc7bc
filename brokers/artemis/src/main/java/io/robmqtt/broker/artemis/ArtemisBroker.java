package io.robmqtt.broker.artemis;

import io.robmqtt.broker.runner.BrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ActiveMQServers;

/**
 * Apache ActiveMQ Artemis with only an MQTT acceptor on 127.0.0.1, in memory, without security: the broker
 * matrix's Artemis, run as its own process. Usage: {@code java -jar robmqtt-broker-artemis.jar PORT}.
 */
public final class ArtemisBroker implements BrokerProcess.Broker {
    private ActiveMQServer server;

    public static void main(String[] args) throws InterruptedException {
        // Artemis audits every management read at INFO; its warnings and errors are what a test log needs.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        BrokerProcess.run("robmqtt-broker-artemis.jar", args, new ArtemisBroker());
    }

    @Override
    public void start(int port) throws Exception {
        Path data = Files.createTempDirectory("robmqtt-artemis");
        Configuration config = new ConfigurationImpl()
                .setPersistenceEnabled(false)
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .setBindingsDirectory(data.resolve("bindings").toString())
                .setJournalDirectory(data.resolve("journal").toString())
                .setPagingDirectory(data.resolve("paging").toString())
                .setLargeMessagesDirectory(data.resolve("large-messages").toString())
                .addAcceptorConfiguration("mqtt", "tcp://127.0.0.1:" + port + "?protocols=MQTT");
        server = ActiveMQServers.newActiveMQServer(config, false);
        server.start();
        if (!server.isActive()) {
            throw new IllegalStateException("Artemis did not become active");
        }
    }

    @Override
    public void stop() throws Exception {
        server.stop();
    }
}
