package io.robmqtt.shutdown;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM shutdown hook that stops the framework and waits for it: without it, Ctrl-C or SIGTERM ends the
 * gateway's JVM with every bundle still active (the bnd launcher does not stop the framework), so no component
 * is deactivated and the database is never closed.
 */
@Component(immediate = true, service = {})
public class FrameworkShutdownHook {
    private static final Logger LOG = LoggerFactory.getLogger(FrameworkShutdownHook.class);
    private static final long STOP_TIMEOUT_MS = 30_000;

    private final Thread hook;

    @Activate
    public FrameworkShutdownHook(BundleContext context) {
        Framework framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(Framework.class);
        hook = new Thread(() -> stop(framework), "robmqtt-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private static void stop(Framework framework) {
        LOG.info("event=shutdown_requested: stopping the framework (at most {} ms)", STOP_TIMEOUT_MS);
        try {
            framework.stop();
            FrameworkEvent stopped = framework.waitForStop(STOP_TIMEOUT_MS);
            // Logback has stopped with its bundle by now: the outcome goes to the console itself.
            if (stopped.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                System.err.println("event=shutdown_timeout: the framework did not stop within " + STOP_TIMEOUT_MS
                        + " ms");
            } else {
                System.out.println("event=shutdown_complete: every bundle stopped, the gateway exits");
            }
        } catch (BundleException e) {
            LOG.error("event=shutdown_failed: the framework could not be stopped", e);
        } catch (InterruptedException e) {
            LOG.error("event=shutdown_interrupted: stopped waiting for the framework", e);
            Thread.currentThread().interrupt();
        }
    }

    @Deactivate
    void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down: this very hook is stopping the framework, and stays registered.
            LOG.debug("shutdown hook left in place: {}", e.getMessage());
        }
    }
}
