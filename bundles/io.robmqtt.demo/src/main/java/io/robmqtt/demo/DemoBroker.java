package io.robmqtt.demo;

import java.io.IOException;
import java.io.InputStream;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the demo broker, points the connection "demo" at it, prints where to look once start-up is over, and
 * gives the shell {@code demo:broker stop|start|status} to cause an outage and end it.
 */
@Component(immediate = true, service = DemoBroker.class, configurationPid = "io.robmqtt.demo", property = {
    "osgi.command.scope=demo",
    "osgi.command.function=broker"
})
@Designate(ocd = DemoConfig.class)
public class DemoBroker {
    private static final Logger LOG = LoggerFactory.getLogger(DemoBroker.class);
    private static final String CONNECTION_FACTORY_PID = "io.robmqtt.connection";

    private final BrokerProcess broker;
    private final StartupBanner banner;

    @Activate
    public DemoBroker(BundleContext context, @Reference ConfigurationAdmin cm, DemoConfig config)
            throws IOException, InterruptedException {
        checkPort(config.broker_port());
        try (InputStream jar = context.getBundle().getEntry("broker/robmqtt-broker.jar").openStream()) {
            broker = BrokerProcess.unpack(jar, context.getDataFile("").toPath(), config.broker_port());
        }
        broker.start();
        try {
            configureConnection(cm, broker.port());
            banner = StartupBanner.printAfterStartup(context, whereToLook(context, broker.port()));
        } catch (IOException | RuntimeException e) {
            broker.stop(); // SCR does not deactivate a component whose activation failed
            throw e;
        }
    }

    /** @throws IllegalArgumentException naming broker.port and its rule */
    static void checkPort(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("broker.port is " + port + "; it must be 0 (any free port) to 65535");
        }
    }

    private static void configureConnection(ConfigurationAdmin cm, int port) throws IOException {
        Configuration connection = cm.getFactoryConfiguration(CONNECTION_FACTORY_PID, "demo", "?");
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("connection.name", "demo");
        properties.put("client.id", "robmqtt-demo");
        properties.put("broker.host", "127.0.0.1");
        properties.put("broker.port", port);
        properties.put("max.backoff", 5.0); // a short wait after demo:broker start
        connection.updateIfDifferent(properties);
    }

    private static String whereToLook(BundleContext context, int port) {
        String http = "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port");
        return String.join(System.lineSeparator(),
                "",
                "robmqtt demo: broker on 127.0.0.1:" + port + "; the sample publishes to demo/telemetry every 2 s",
                "  health       " + http + "/health",
                "  metrics      " + http + "/metrics",
                "  web console  " + http + "/system/console (user admin, password in secrets/console-password)",
                "  try          demo:broker stop    (an outage: watch robmqtt:status, the queue grows)",
                "               demo:broker start   (the queue drains)",
                "               robmqtt:status, robmqtt:queue demo; stop 0 (or Ctrl-C) to stop",
                "");
    }

    /** demo:broker stop|start|status. */
    public String broker(String action) throws IOException, InterruptedException {
        switch (action) {
            case "stop" -> {
                broker.stop();
                LOG.info("event=demo_broker_stopped port={}", broker.port());
                return "demo broker stopped; publishing goes on into the durable queue (robmqtt:status)";
            }
            case "start" -> {
                broker.start();
                LOG.info("event=demo_broker_started port={}", broker.port());
                return "demo broker started on 127.0.0.1:" + broker.port() + "; the connection comes back within "
                        + "its backoff and drains the queue";
            }
            case "status" -> {
                return "demo broker " + (broker.running() ? "running" : "stopped") + " on 127.0.0.1:" + broker.port();
            }
            default -> throw new IllegalArgumentException("demo:broker takes stop, start or status, not '" + action
                    + "'");
        }
    }

    @Deactivate
    void stop() throws InterruptedException {
        banner.close();
        broker.stop();
        LOG.info("event=demo_broker_stopped port={} reason=\"the demo stops\"", broker.port());
    }
}
