/**
 * The store SPI: the durable offline queue, the inflight store and the store of received QoS 2 messages that
 * robmqtt's connections write to.
 *
 * <p>robmqtt ships a SQLite implementation of all three; another implementation can be plugged in by registering
 * these services with a higher service ranking. An implementation must keep the contracts stated on each
 * method: what a method returned as stored survives a kill of the JVM.
 */
@Export
@Version("1.1.0")
package io.robmqtt.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
