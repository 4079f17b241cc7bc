package io.robmqtt.kura.runtimetest;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/** Test only: what the runtime has, as lines the test parses: bundles, components, metatype. */
final class RuntimeReport {
    private final BundleContext context;
    private final MetaTypeService metatype;
    private final ServiceComponentRuntime scr;

    RuntimeReport(BundleContext context, MetaTypeService metatype, ServiceComponentRuntime scr) {
        this.context = context;
        this.metatype = metatype;
        this.scr = scr;
    }

    String bundles() {
        return Arrays.stream(context.getBundles())
                .map(b -> "bundle " + b.getSymbolicName() + " " + b.getVersion() + " " + state(b.getState()))
                .collect(Collectors.joining("\n"));
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }

    String components() {
        StringBuilder lines = new StringBuilder();
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!description.bundle.symbolicName.startsWith("io.robmqtt.")) {
                continue;
            }
            var configurations = scr.getComponentConfigurationDTOs(description);
            if (configurations.isEmpty()) {
                lines.append("component ").append(description.name).append(' ')
                        .append(scr.isComponentEnabled(description) ? "NO_CONFIGURATION" : "DISABLED").append('\n');
            }
            for (ComponentConfigurationDTO configuration : configurations) {
                lines.append("component ").append(description.name).append(' ')
                        .append(componentState(configuration.state)).append('\n');
            }
        }
        return lines.toString().strip();
    }

    private static String componentState(int state) {
        return switch (state) {
            case ComponentConfigurationDTO.ACTIVE -> "ACTIVE";
            case ComponentConfigurationDTO.SATISFIED -> "SATISFIED";
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE -> "UNSATISFIED_REFERENCE";
            case ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION -> "UNSATISFIED_CONFIGURATION";
            default -> "FAILED_ACTIVATION";
        };
    }

    String metatype(String pid) {
        ObjectClassDefinition ocd = find(metatype, context, pid);
        if (ocd == null) {
            return "metatype " + pid + " missing";
        }
        String attributes = Arrays.stream(ocd.getAttributeDefinitions(ObjectClassDefinition.ALL))
                .map(a -> a.getID()).collect(Collectors.joining(","));
        return "metatype " + pid + " \"" + ocd.getName() + "\" " + attributes;
    }

    /** The OCD some bundle's metatype declares for this PID or factory PID, or null. */
    static ObjectClassDefinition find(MetaTypeService metatype, BundleContext context, String pid) {
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation information = metatype.getMetaTypeInformation(bundle);
            if (information != null && (Arrays.asList(information.getPids()).contains(pid)
                    || Arrays.asList(information.getFactoryPids()).contains(pid))) {
                return information.getObjectClassDefinition(pid, null);
            }
        }
        return null;
    }
}
