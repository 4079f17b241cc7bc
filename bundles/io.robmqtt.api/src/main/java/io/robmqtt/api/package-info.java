/**
 * The robmqtt API: publish MQTT messages through a durable, priority-ordered queue that survives broker
 * outages, network failures and restarts.
 *
 * <p>Other bundles use {@link io.robmqtt.api.MqttPublisher}, which robmqtt registers as an OSGi service once
 * per configured connection.
 */
@Export
@Version("1.2.0")
package io.robmqtt.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
