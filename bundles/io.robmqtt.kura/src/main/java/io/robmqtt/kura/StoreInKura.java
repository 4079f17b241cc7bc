package io.robmqtt.kura;

import java.util.HashMap;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;

/**
 * Lists the store's configuration (PID {@value #PID}, declared by io.robmqtt.store) in Kura's UI, from the start:
 * Kura then creates the configuration from the metatype defaults.
 */
@Component(service = {}, configurationPid = StoreInKura.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class StoreInKura {
    /** The store's PID, as io.robmqtt.store declares it (the DP test checks the two agree). */
    static final String PID = "io.robmqtt.store";

    private final KuraConfigurable configurable;

    @Activate
    public StoreInKura(BundleContext context, Map<String, Object> configuration) {
        // Registered with or without a configuration: Kura creates the store's configuration from the metatype
        // only for a PID whose marker it already tracks, so waiting for a configuration would wait forever.
        Map<String, Object> identity = new HashMap<>(configuration);
        identity.putIfAbsent(Constants.SERVICE_PID, PID);
        identity.putIfAbsent(KuraConfigurable.KURA_SERVICE_PID, PID);
        configurable = new KuraConfigurable(context, identity);
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
