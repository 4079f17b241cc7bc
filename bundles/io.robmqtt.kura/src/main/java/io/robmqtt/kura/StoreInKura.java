package io.robmqtt.kura;

import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * Lists the store's configuration (PID {@value #PID}, declared by io.robmqtt.store) in Kura's UI. Kura seeds
 * the configuration from the metatype defaults, which activates this component.
 */
@Component(service = {}, configurationPid = StoreInKura.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public class StoreInKura {
    /** The store's PID, as io.robmqtt.store declares it (the DP test checks the two agree). */
    static final String PID = "io.robmqtt.store";

    private final KuraConfigurable configurable;

    @Activate
    public StoreInKura(BundleContext context, Map<String, Object> configuration) {
        configurable = new KuraConfigurable(context, configuration);
    }

    /** The PIDs never change for a configuration, so an update needs no new registration. */
    @Modified
    void modified() {
        // nothing to do: the store applies the update itself
    }

    @Deactivate
    void deactivate() {
        configurable.unregister();
    }
}
