package io.robmqtt.kura;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * Lists each connection (factory PID {@value #FACTORY_PID}, declared by io.robmqtt.client) in Kura's UI, one
 * instance per factory configuration. Kura's "new component" dialog creates such configurations.
 */
@Component(service = {}, configurationPid = ConnectionInKura.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public class ConnectionInKura {
    /** The connection factory PID, as io.robmqtt.client declares it (the DP test checks the two agree). */
    static final String FACTORY_PID = "io.robmqtt.connection";

    private final KuraConfigurable configurable;

    @Activate
    public ConnectionInKura(BundleContext context, Map<String, Object> configuration) {
        configurable = new KuraConfigurable(context, configuration);
    }

    /** The PIDs never change for a configuration, so an update needs no new registration. */
    @Modified
    void modified() {
        // nothing to do: the connection applies the update itself
    }

    @Deactivate
    void deactivate() {
        configurable.unregister();
    }
}
