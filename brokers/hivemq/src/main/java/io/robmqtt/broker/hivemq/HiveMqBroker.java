package io.robmqtt.broker.hivemq;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.robmqtt.broker.runner.BrokerProcess;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * HiveMQ Community Edition, embedded, with one TCP listener on 127.0.0.1, in memory, and an extension that lets
 * every client in (HiveMQ refuses all clients without a security extension): the broker matrix's HiveMQ, run as
 * its own process. Usage: {@code java -jar robmqtt-broker-hivemq.jar PORT}.
 */
public final class HiveMqBroker implements BrokerProcess.Broker {
    private EmbeddedHiveMQ hivemq;

    public static void main(String[] args) throws InterruptedException {
        BrokerProcess.run("robmqtt-broker-hivemq.jar", args, new HiveMqBroker());
    }

    @Override
    public void start(int port) throws Exception {
        Path home = Files.createTempDirectory("robmqtt-hivemq");
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), String.join("\n",
                "<?xml version=\"1.0\"?>",
                "<hivemq>",
                "  <listeners><tcp-listener><port>" + port + "</port><bind-address>127.0.0.1</bind-address>"
                        + "</tcp-listener></listeners>",
                "  <persistence><mode>in-memory</mode></persistence>",
                "  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>",
                "</hivemq>", ""));
        hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(home.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                .withEmbeddedExtension(EmbeddedExtension.builder()
                        .withId("robmqtt-allow-all").withName("allow every client").withVersion("1")
                        .withPriority(0).withStartPriority(1000)
                        .withExtensionMain(new AllowAll()).build())
                .build();
        hivemq.start().join();
    }

    @Override
    public void stop() throws Exception {
        hivemq.stop().join();
        hivemq.close();
    }

    /** Lets every client connect: a test broker on loopback only. */
    private static final class AllowAll implements ExtensionMain {
        @Override
        public void extensionStart(ExtensionStartInput input, ExtensionStartOutput output) {
            Services.securityRegistry().setAuthenticatorProvider(
                    providerInput -> (SimpleAuthenticator) (in, out) -> out.authenticateSuccessfully());
        }

        @Override
        public void extensionStop(ExtensionStopInput input, ExtensionStopOutput output) {
            // nothing to release
        }
    }
}
