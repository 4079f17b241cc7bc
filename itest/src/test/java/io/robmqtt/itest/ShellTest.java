package io.robmqtt.itest;

import static io.robmqtt.itest.ConnectionFixture.properties;
import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.testing.Subscriber;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The robmqtt:* commands, run through the Gogo shell in the framework as an operator would. */
class ShellTest {
    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 30_000)
    ConfigurationAdmin cm;

    @InjectService(timeout = 30_000)
    CommandProcessor gogo;

    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();

    private String run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession session = gogo.createSession(new ByteArrayInputStream(new byte[0]), print, print)) {
            Object result = session.execute(command);
            return out.toString(StandardCharsets.UTF_8) + (result == null ? "" : result.toString());
        }
    }

    @Test
    void statusDisconnectPublishQueueAndConnectWorkFromTheShell() throws Exception {
        StoreFixture.configure(cm, properties());
        String topic = "itest/" + UUID.randomUUID();
        try (Subscriber subscriber = new Subscriber(broker.uri(), topic + "/#");
                ConnectionFixture c = new ConnectionFixture(context, cm,
                        properties("broker.uris", new String[] {broker.uri()}))) {
            c.awaitConnected();
            assertThat(run("robmqtt:status"))
                    .contains(c.name + " (client id " + c.clientId + "): connected to " + broker.uri() + ",");

            assertThat(run("robmqtt:disconnect " + c.name)).contains("disconnected");
            assertThat(run("robmqtt:status")).contains(c.name + " (client id " + c.clientId + "): DISCONNECTED");
            assertThat(run("robmqtt:publish " + c.name + " " + topic + "/shell hello-from-gogo 1 7"))
                    .contains("stored as #");
            assertThat(run("robmqtt:queue " + c.name)).contains("1 messages").contains("{7=1}")
                    .contains("priority 7 qos 1 " + topic + "/shell");

            assertThat(run("robmqtt:connect " + c.name)).contains("connecting");
            subscriber.awaitAll(List.of("hello-from-gogo"), Duration.ofSeconds(30));
            assertThat(run("robmqtt:status")).contains("queued 0");
        }
    }
}
