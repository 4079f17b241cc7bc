package io.robmqtt.itest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.robmqtt.api.OutgoingMessage;
import io.robmqtt.api.QueueFullException;
import io.robmqtt.api.store.OfflineQueue;
import io.robmqtt.testing.Await;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** The store is configured through ConfigAdmin, described by metatype, and changes apply live. */
class StoreConfigurationTest {
    private static final long TIMEOUT_MS = 20_000;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = TIMEOUT_MS)
    ConfigurationAdmin cm;

    @InjectService(timeout = TIMEOUT_MS)
    MetaTypeService metatype;

    @AfterEach
    void restoreDefaults() throws Exception {
        StoreFixture.configure(cm, new Hashtable<>());
    }

    @Test
    void aSmallerQueueSizeAppliesLiveWithoutReregisteringTheQueue() throws Exception {
        Hashtable<String, Object> small = new Hashtable<>();
        small.put("max.queue.size", 3);
        StoreFixture.configure(cm, new Hashtable<>());
        ServiceReference<OfflineQueue> before = context.getServiceReference(OfflineQueue.class);
        OfflineQueue queue = context.getService(before);
        String connection = "live-" + UUID.randomUUID();
        queue.enqueue(connection, message(5));

        StoreFixture.configure(cm, small);
        Await.until("max.queue.size 3 is in force", Duration.ofSeconds(20),
                () -> queue.statistics(connection).capacityUsedPercent() > 33.0);

        queue.enqueue(connection, message(5));
        queue.enqueue(connection, message(5));
        assertThatThrownBy(() -> queue.enqueue(connection, message(5))).isInstanceOf(QueueFullException.class)
                .hasMessageContaining("max.queue.size 3");
        assertThat(queue.enqueue(connection, message(9)).evicted()).as("a more important message still gets in")
                .hasSize(1);
        ServiceReference<OfflineQueue> after = context.getServiceReference(OfflineQueue.class);
        assertThat(after.getProperty(Constants.SERVICE_ID)).isEqualTo(before.getProperty(Constants.SERVICE_ID));
        context.ungetService(before);
    }

    @Test
    void theStoreConfigurationIsDescribedByMetatypeWithNamesAndDefaults() {
        Bundle store = StoreFixture.storeBundle(context);
        ObjectClassDefinition ocd = metatype.getMetaTypeInformation(store)
                .getObjectClassDefinition(StoreFixture.PID, null);
        assertThat(ocd.getName()).isEqualTo("robmqtt store");
        List<AttributeDefinition> attributes = Arrays.asList(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL));
        assertThat(attributes).extracting(AttributeDefinition::getID)
                .contains("db.path", "db.synchronous", "max.queue.size", "max.queue.bytes", "max.payload.bytes");
        AttributeDefinition size = attributes.stream().filter(a -> a.getID().equals("max.queue.size")).findFirst()
                .orElseThrow();
        assertThat(size.getName()).isEqualTo("Maximum queue size");
        assertThat(size.getDescription()).isNotBlank();
        assertThat(size.getDefaultValue()).containsExactly("1000");
    }

    @Test
    void ourBundlesExportOnlyTheApiPackages() {
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            // the test bundle and the test fixtures exist only in this test framework, never in a runtime
            if (name.startsWith("io.robmqtt.") && !name.endsWith("-tests") && !name.equals("io.robmqtt.testing")) {
                String exports = bundle.getHeaders().get(Constants.EXPORT_PACKAGE);
                if (exports != null) {
                    for (String clause : exports.split(",(?=[a-z])")) {
                        assertThat(clause).as("an export of " + name).startsWith("io.robmqtt.api");
                    }
                }
            }
        }
    }

    private static OutgoingMessage message(int priority) {
        return new OutgoingMessage("config/test", new byte[] {1}, 1, false, priority);
    }
}
