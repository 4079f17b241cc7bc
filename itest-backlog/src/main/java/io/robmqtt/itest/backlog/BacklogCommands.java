package io.robmqtt.itest.backlog;

import io.robmqtt.api.MqttPublisher;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Test only: {@code backlog:publish CONNECTION TOPIC COUNT} queues COUNT QoS 1 messages through
 * {@link MqttPublisher#publishAsync}, and {@code backlog:heap} reports the heap used after a full GC. The itests
 * install this bundle into a gateway jar running in its own JVM and read the answers from its console.
 */
@Component(service = BacklogCommands.class, property = {
    "osgi.command.scope=backlog",
    "osgi.command.function=publish",
    "osgi.command.function=heap"
})
public class BacklogCommands {
    /** Stages accepted and not yet stored, at most: a producer with a buffer, as in the delivery benchmark. */
    private static final int OUTSTANDING = 1_000;
    private static final long TIMEOUT_MINUTES = 30;

    private final BundleContext context;

    @Activate
    public BacklogCommands(BundleContext context) {
        this.context = context;
    }

    /**
     * backlog:publish CONNECTION TOPIC COUNT: QoS 1, priority 1, the payload the message's number (0 to COUNT - 1)
     * as 8 ASCII digits; returns when every message is durably stored, with the time it took.
     */
    public String publish(String connection, String topic, int count) throws InterruptedException {
        ServiceReference<MqttPublisher> reference = find(connection);
        MqttPublisher mqtt = context.getService(reference);
        try {
            Semaphore outstanding = new Semaphore(OUTSTANDING);
            LongAdder failed = new LongAdder();
            AtomicReference<Throwable> firstFailure = new AtomicReference<>();
            long start = System.nanoTime();
            for (int n = 0; n < count; n++) {
                outstanding.acquire();
                byte[] payload = String.format("%08d", n).getBytes(StandardCharsets.US_ASCII);
                // the Delivery handle is dropped at once: a producer that does not watch its messages
                mqtt.publishAsync(topic, payload, 1, false, 1).whenComplete((delivery, failure) -> {
                    if (failure != null) {
                        failed.increment();
                        firstFailure.compareAndSet(null, failure);
                    }
                    outstanding.release();
                });
            }
            if (!outstanding.tryAcquire(OUTSTANDING, TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                return "backlog: not every message was stored within " + TIMEOUT_MINUTES + " minutes";
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return String.format("backlog: stored %d of %d messages in %d ms, %d failed%s", count - failed.sum(),
                    count, millis, failed.sum(), firstFailure.get() == null ? "" : ", first: " + firstFailure.get());
        } finally {
            context.ungetService(reference);
        }
    }

    /** backlog:heap: a full GC (System.gc()), then the heap in use, committed and its maximum, in bytes. */
    public String heap() {
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return String.format("backlog: heap after GC used %d bytes (%.1f MiB), committed %d, max %d", heap.getUsed(),
                heap.getUsed() / 1048576.0, heap.getCommitted(), heap.getMax());
    }

    private ServiceReference<MqttPublisher> find(String connection) {
        try {
            Collection<ServiceReference<MqttPublisher>> found = context.getServiceReferences(MqttPublisher.class,
                    "(" + MqttPublisher.CONNECTION_NAME + "=" + connection + ")");
            if (found.isEmpty()) {
                throw new IllegalArgumentException("no MqttPublisher with connection.name=" + connection);
            }
            return found.iterator().next();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("not a usable connection name: " + connection, e);
        }
    }
}
