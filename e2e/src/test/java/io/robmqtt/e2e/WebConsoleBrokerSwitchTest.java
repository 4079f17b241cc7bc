package io.robmqtt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.Subscriber;
import io.robmqtt.testing.TestBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A user moves the gateway's connection to another broker in the Web Console, in a real headless Chromium, while
 * messages are published through the gateway's shell: the connection moves, and no message is lost.
 */
class WebConsoleBrokerSwitchTest {
    private static final String CONNECTION = "e2e";
    private static final String PID = "io.robmqtt.connection~" + CONNECTION; // FileInstall's name for the .cfg file
    private static final String FACTORY = "robmqtt connection"; // its metatype name, as the Web Console shows it
    private static final String TOPIC = "e2e/numbered";
    private static final String CONNECTED = "event=connected connection=" + CONNECTION + " ";

    @BeforeEach
    void removeTheLastRunsReports() {
        Reports.clear();
    }

    @Test
    void changingTheBrokerPortInTheWebConsoleMovesTheConnectionAndLosesNoMessage() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.start();
                TestBroker a = TestBroker.startMoquette();
                TestBroker b = TestBroker.startMoquette();
                Subscriber atA = new Subscriber(a.uri(), TOPIC);
                Subscriber atB = new Subscriber(b.uri(), TOPIC);
                GatewayProcess gateway = GatewayProcess.start(CONNECTION, a.port());
                NumberedPublisher messages = new NumberedPublisher(gateway, CONNECTION, TOPIC)) {
            try {
                gateway.awaitConsole("the gateway connected to broker A", CONNECTED, 1, Duration.ofSeconds(90));
                messages.publish(20);
                awaitArrival("the first 20 messages at A", messages.sent(), atA);
                assertTheWebConsoleTakesOnlyTheSecretPassword(gateway);

                messages.keepPublishing(Duration.ofMillis(50)); // during and after the change
                int beforeBrowser = messages.count();
                WebConsolePage console = changeTheBrokerPortInTheWebConsole(browser, gateway, a.port(), b.port());
                awaitTheConnectionToBrokerB(gateway, b.port());
                int switched = messages.count(); // messages after these were typed once the connection to B was up
                Await.until("20 more messages published after the switch", Duration.ofSeconds(30),
                        () -> messages.count() >= switched + 20);
                messages.stop();
                assertThat(console.reload().editFactoryConfiguration(FACTORY, PID).value("Broker port"))
                        .as("the saved port, shown again").isEqualTo(Integer.toString(b.port()));
                browser.screenshot("2-saved-port-shown-again");

                List<String> sent = messages.sent();
                gateway.awaitConsole("the gateway stored every published message", "stored as #\\d+", sent.size(),
                        Duration.ofSeconds(30));
                awaitArrival("every published message at A or B", sent, atA, atB);
                assertThat(sent.subList(switched, sent.size())).as("messages published after the switch: at B only")
                        .allMatch(atB::has).noneMatch(atA::has);
                assertThat(httpBody(gateway.health())).contains("\"connected\": true");
                System.out.printf("e2e: %d messages published (%d while the browser changed the port and the "
                        + "connection moved), %d arrived at A, %d at B; duplicates: %d at A, %d at B%n", sent.size(),
                        switched - beforeBrowser, atA.received().size(), atB.received().size(), atA.duplicates(),
                        atB.duplicates());
            } catch (Exception | AssertionError e) {
                browser.keepEvidence("failure"); // target/e2e: the page as the browser showed it
                throw e;
            }
        }
    }

    /** The shipped login file takes its password from secrets/console-password: admin/admin is refused. */
    private static void assertTheWebConsoleTakesOnlyTheSecretPassword(GatewayProcess gateway) throws Exception {
        Await.until("the Web Console answers", Duration.ofSeconds(60), () -> answers(gateway.webConsole()));
        assertThat(httpStatus(gateway.webConsole(), "admin", "admin")).as("admin/admin is refused").isEqualTo(401);
        assertThat(httpStatus(URI.create(gateway.webConsole() + "/configMgr"), "admin", gateway.consolePassword()))
                .as("the password from secrets/console-password is taken").isEqualTo(200);
    }

    /** Logs in, opens the connection's form, types B's port over A's and saves, by clicks and keys. */
    private static WebConsolePage changeTheBrokerPortInTheWebConsole(HeadlessChromium browser, GatewayProcess gateway,
            int from, int to) throws IOException {
        WebConsolePage console = WebConsolePage.logIn(browser.driver(), gateway.webConsole(), "admin",
                gateway.consolePassword());
        ConfigurationDialog form = console.editFactoryConfiguration(FACTORY, PID);
        assertThat(form.title()).isEqualTo(FACTORY);
        assertThat(form.value("Broker port")).isEqualTo(Integer.toString(from));
        form.type("Broker port", Integer.toString(to));
        browser.screenshot("1-broker-port-typed");
        form.save();
        return console;
    }

    /** The gateway took the form's values, reconnected to B, and logged one new connected event. */
    private static void awaitTheConnectionToBrokerB(GatewayProcess gateway, int port) {
        gateway.awaitConsole("the gateway reconfigured the connection for broker B", "event=reconfiguring connection="
                + CONNECTION + " settings=\"[^\"]*broker\\.uris=\\[tcp://127\\.0\\.0\\.1:" + port + "\\]", 1,
                Duration.ofSeconds(30));
        gateway.awaitConsole("the gateway connected again, to broker B", CONNECTED, 2, Duration.ofSeconds(60));
        assertThat(gateway.count("event=config_refused")).as("no configuration refused").isZero();
        assertThat(gateway.count(Pattern.quote(CONNECTED))).as("connected events: A, then B").isEqualTo(2);
    }

    /** Waits until every one of {@code payloads} arrived at one of the subscribers at least. */
    private static void awaitArrival(String description, List<String> payloads, Subscriber... subscribers) {
        Await.until(description, Duration.ofSeconds(60), () -> missing(payloads, subscribers).isEmpty(),
                () -> "missing: " + missing(payloads, subscribers));
    }

    private static List<String> missing(List<String> payloads, Subscriber... subscribers) {
        return payloads.stream().filter(p -> List.of(subscribers).stream().noneMatch(s -> s.has(p))).toList();
    }

    private static boolean answers(URI uri) {
        try {
            return httpStatus(uri, "admin", "") > 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int httpStatus(URI uri, String user, String password) throws IOException, InterruptedException {
        return send(uri, "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + password).getBytes(StandardCharsets.UTF_8))).statusCode();
    }

    private static String httpBody(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = send(uri, null);
        assertThat(response.statusCode()).as(uri.toString()).isEqualTo(200);
        return response.body();
    }

    private static HttpResponse<String> send(URI uri, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
