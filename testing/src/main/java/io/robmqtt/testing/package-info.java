/**
 * What the integration tests (in OSGi) and the browser test (outside it) share: a real broker process of the
 * test's own on a free loopback port, a plain Paho subscriber, bounded waits and temporary directories; and for
 * fleets, the exported gateway jar with many connections and a proxy that records when each CONNECT arrives.
 * Test code only: no gateway, Karaf or Kura runtime contains this bundle.
 */
@Export
@Version("1.3.0")
package io.robmqtt.testing;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
