package io.robmqtt.itest;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.TestBroker;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.service.cm.ConfigurationAdmin;

/** The framework's HTTP server on a free loopback port, configured once through ConfigAdmin; and GETs to it. */
final class HttpFixture {
    private static int port;

    private HttpFixture() {}

    /** A response: HTTP status and body; status -1 when the request failed. */
    record Response(int status, String body) {}

    static synchronized void start(ConfigurationAdmin cm) throws IOException {
        if (port == 0) {
            port = TestBroker.freePort();
            cm.getConfiguration("org.apache.felix.http", "?").update(new Hashtable<>(Map.of(
                    "org.osgi.service.http.port", port, "org.apache.felix.http.host", "127.0.0.1")));
        }
        Await.until("the health endpoint answers on 127.0.0.1:" + port, Duration.ofSeconds(30),
                () -> get("/health/live").status() == 200);
    }

    static Response get(String path) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                    .openConnection();
            c.setConnectTimeout(1_000);
            c.setReadTimeout(5_000);
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            return new Response(-1, e.toString());
        }
    }
}
