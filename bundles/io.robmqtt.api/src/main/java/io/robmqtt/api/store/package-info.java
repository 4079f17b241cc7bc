/**
 * The store SPI: the durable offline queue and the inflight store that robmqtt's connections write to.
 *
 * <p>robmqtt ships a SQLite implementation of both; another implementation can be plugged in by registering
 * these services with a higher service ranking. An implementation must keep the contracts stated on each
 * method: what a method returned as stored survives a kill of the JVM.
 */
@Export
@Version("1.0.0")
package io.robmqtt.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
