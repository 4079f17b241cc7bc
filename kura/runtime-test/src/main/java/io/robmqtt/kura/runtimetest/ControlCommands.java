package io.robmqtt.kura.runtimetest;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.deploymentadmin.DeploymentAdmin;
import org.osgi.service.deploymentadmin.DeploymentPackage;
import org.osgi.service.metatype.MetaTypeService;

/**
 * Test only: the Gogo commands ({@code kt:*}) by which the Kura runtime test drives the runtime in its child JVM,
 * doing what Kura's own services would: its deployment agent (DeploymentAdmin), its ConfigurationService
 * (ConfigAdmin, with the metatype's defaults), and reports of bundles, components and metatype. Every answer is one
 * line or more that the test reads from the console.
 */
@Component(service = ControlCommands.class, property = {
    "osgi.command.scope=kt",
    "osgi.command.function=install",
    "osgi.command.function=uninstall",
    "osgi.command.function=bundles",
    "osgi.command.function=components",
    "osgi.command.function=metatype",
    "osgi.command.function=configure",
    "osgi.command.function=configureFactory",
    "osgi.command.function=deleteConfiguration"
})
public class ControlCommands {
    private final DeploymentAdmin deployments;
    private final RuntimeReport report;
    private final KuraConfigurations configurations;

    @Activate
    public ControlCommands(BundleContext context, @Reference DeploymentAdmin deployments,
            @Reference ConfigurationAdmin configAdmin, @Reference MetaTypeService metatype,
            @Reference ServiceComponentRuntime scr) {
        this.deployments = deployments;
        this.report = new RuntimeReport(context, metatype, scr);
        this.configurations = new KuraConfigurations(context, configAdmin, metatype);
    }

    /** kt:install FILE: installs or updates a deployment package, as Kura's deployment agent does. */
    public String install(String file) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            DeploymentPackage dp = deployments.installDeploymentPackage(in);
            return "dp installed " + dp.getName() + " " + dp.getVersion();
        } catch (Exception e) {
            return "dp failed " + e;
        }
    }

    /** kt:uninstall NAME: uninstalls the deployment package NAME. */
    public String uninstall(String name) {
        DeploymentPackage dp = deployments.getDeploymentPackage(name);
        if (dp == null) {
            return "dp failed: no deployment package " + name;
        }
        try {
            dp.uninstall();
            return "dp uninstalled " + name;
        } catch (Exception e) {
            return "dp failed " + e;
        }
    }

    /** kt:bundles: every bundle, one line each: {@code bundle BSN VERSION STATE}. */
    public String bundles() {
        return report.bundles();
    }

    /** kt:components: every component of a bundle named io.robmqtt.*: {@code component NAME STATE}. */
    public String components() {
        return report.components();
    }

    /** kt:metatype PID: the metatype a bundle serves for PID (or factory PID): {@code metatype PID NAME ATTRIBUTES}. */
    public String metatype(String pid) {
        return report.metatype(pid);
    }

    /** kt:configure PID KEY=VALUE...: the metatype's defaults with these values, as Kura writes a configuration. */
    public String configure(String pid, String... values) {
        try {
            return configurations.configure(pid, Arrays.asList(values));
        } catch (Exception e) {
            return "configuration failed " + e;
        }
    }

    /** kt:configureFactory FACTORY_PID KURA_PID KEY=VALUE...: a new factory configuration, as Kura's UI makes one. */
    public String configureFactory(String factoryPid, String kuraPid, String... values) {
        try {
            return configurations.configureFactory(factoryPid, kuraPid, Arrays.asList(values));
        } catch (Exception e) {
            return "configuration failed " + e;
        }
    }

    /** kt:deleteConfiguration PID: deletes the configuration PID, or the factory configuration with that kura.service.pid. */
    public String deleteConfiguration(String pid) {
        try {
            return configurations.delete(pid);
        } catch (Exception e) {
            return "configuration failed " + e;
        }
    }
}
