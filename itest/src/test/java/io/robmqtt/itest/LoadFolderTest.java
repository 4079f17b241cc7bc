package io.robmqtt.itest;

import static org.assertj.core.api.Assertions.assertThat;

import io.robmqtt.testing.Await;
import io.robmqtt.testing.ChildProcesses;
import io.robmqtt.testing.Subscriber;
import io.robmqtt.testing.TempDirs;
import io.robmqtt.testing.TestBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gateway engineer's own bundle, dropped into the gateway jar's {@code load/} folder (the shipped
 * {@code conf/org.apache.felix.fileinstall-load.cfg}): installed and started, updated when replaced, uninstalled
 * when removed, and there again after a restart. The bundle is the sample telemetry publisher: its readings,
 * numbered from 0 each time it starts, arrive at a subscriber on the broker.
 */
class LoadFolderTest {
    @RegisterExtension
    final BrokerExtension broker = new BrokerExtension();
    /** Readings that say the publisher (re)started: the first of each start is numbered 1. */
    private static long starts(Subscriber subscriber) {
        return subscriber.received().stream().filter(p -> p.contains("{\"seq\":1,"))
                .distinct().count(); // a redelivery is no start: each start's reading has its own timestamp
    }

    @Test
    void aBundleInLoadIsInstalledUpdatedUninstalledAndThereAgainAfterARestart() throws Exception {
        Path jar = ChildProcesses.jar("robmqtt.gateway.jar", "the bndrun module builds it before this one");
        Path dir = Files.createTempDirectory("robmqtt-load");
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path repoConf = Path.of(System.getProperty("robmqtt.repo"), "conf");
        for (String file : new String[] {"org.apache.felix.fileinstall-load.cfg", "logback.xml",
                "logging.properties"}) { // as shipped
            Files.copy(repoConf.resolve(file), conf.resolve(file));
        }
        String topic = "itest/load-" + UUID.randomUUID();
        Files.writeString(conf.resolve("io.robmqtt.store.cfg"), "db.path = data/robmqtt.db\n");
        Files.writeString(conf.resolve("io.robmqtt.connection-default.cfg"), "client.id = load-test\n"
                + "broker.uris = " + broker.uri() + "\n");
        Files.writeString(conf.resolve("io.robmqtt.sample.telemetry.cfg"), "interval.seconds = 1\ntopic = "
                + topic + "\nqos = 1\n");
        Path bundle = dir.resolve("load").resolve("telemetry.jar");
        Path log = dir.resolve("gateway.log");
        String[] properties = {"logback.configurationFile=conf/logback.xml",
            "java.util.logging.config.file=conf/logging.properties"};
        try (Subscriber subscriber = new Subscriber(broker.uri(), topic)) {
            Process gateway = ChildProcesses.startJar(jar, dir, "gateway.log", TestBroker.freePort(), properties);
            try {
                Await.until("the gateway connected", Duration.ofSeconds(60),
                        () -> ChildProcesses.contains(log, "event=connected connection=default"));
                Files.createDirectories(bundle.getParent());
                Files.copy(Bundles.sample(), bundle);
                Await.until("the dropped bundle publishes", Duration.ofSeconds(30), () -> starts(subscriber) == 1,
                        () -> subscriber.received().toString());

                Files.copy(Bundles.sample(), bundle, StandardCopyOption.REPLACE_EXISTING);
                Files.setLastModifiedTime(bundle, java.nio.file.attribute.FileTime.fromMillis(
                        System.currentTimeMillis() + 5_000)); // a new file, as a newer build would be
                Await.until("the replaced bundle was updated: its publisher started again", Duration.ofSeconds(30),
                        () -> starts(subscriber) == 2, () -> subscriber.received().toString());

                Files.delete(bundle);
                long[] seen = {subscriber.received().size(), System.nanoTime()}; // count, when it last grew
                Await.until("the removed bundle stopped publishing: no reading for 2.5 s", Duration.ofSeconds(30),
                        () -> {
                            if (subscriber.received().size() != seen[0]) {
                                seen[0] = subscriber.received().size();
                                seen[1] = System.nanoTime();
                            }
                            return System.nanoTime() - seen[1] > 2_500_000_000L; // readings come every second
                        });
                Await.holds("nothing more from the removed bundle", Duration.ofSeconds(3),
                        () -> subscriber.received().size() == seen[0]);
            } finally {
                ChildProcesses.stop(gateway);
            }

            Files.copy(Bundles.sample(), bundle);
            gateway = ChildProcesses.startJar(jar, dir, "gateway.log", TestBroker.freePort(), properties);
            try {
                Await.until("after a restart the bundle in load/ publishes again", Duration.ofSeconds(60),
                        () -> starts(subscriber) == 3, () -> subscriber.received().toString());
            } finally {
                ChildProcesses.stop(gateway);
            }
        } finally {
            TempDirs.delete(dir);
        }
    }
}
