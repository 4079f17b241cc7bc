package io.robmqtt.demo;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Prints the demo's banner once start-up is over, so that it is the last thing start-up prints and the user sees
 * where to look. The launcher starts the framework, then raises its start level, and the bundles (the demo
 * among them) start on the way up; once the level is reached the framework sends STARTLEVEL_CHANGED (STARTED
 * where the framework's own start raised it), and the banner follows. A demo activated when no bundle is left to
 * start (the demo bundle restarted, or reconfigured) prints at once.
 */
final class StartupBanner implements FrameworkListener, AutoCloseable {
    private final BundleContext context;
    private final String text;
    private final AtomicBoolean printed = new AtomicBoolean();

    private StartupBanner(BundleContext context, String text) {
        this.context = context;
        this.text = text;
    }

    /** Prints {@code text} on the console now if start-up is over, else once it is. */
    static StartupBanner printAfterStartup(BundleContext context, String text) {
        StartupBanner banner = new StartupBanner(context, text);
        context.addFrameworkListener(banner); // first: a start level reached meanwhile prints, not lost
        if (Arrays.stream(context.getBundles()).noneMatch(StartupBanner::leftToStart)) {
            banner.print();
        }
        return banner;
    }

    /** Marked to be started (by the launcher, or by a start command) and not started yet. */
    private static boolean leftToStart(Bundle bundle) {
        BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
        return startLevel != null && startLevel.isPersistentlyStarted()
                && (bundle.getState() & (Bundle.INSTALLED | Bundle.RESOLVED)) != 0;
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED || event.getType() == FrameworkEvent.STARTED) {
            print();
        }
    }

    private void print() {
        if (printed.compareAndSet(false, true)) {
            System.out.println(text);
        }
    }

    @Override
    public void close() {
        context.removeFrameworkListener(this);
    }
}
