package io.robmqtt.kura.runtimetest;

import java.io.IOException;
import java.lang.reflect.Array;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * Test only: writes configurations the way Kura's ConfigurationService does. It fills in the metatype's default of
 * every attribute not given, typed as the metatype says, and adds {@code kura.service.pid}; a factory configuration
 * is created with a null location ({@code createFactoryConfiguration(factoryPid, null)}), a singleton one with the
 * multi-location {@code "?"}.
 */
final class KuraConfigurations {
    static final String KURA_SERVICE_PID = "kura.service.pid";

    private final BundleContext context;
    private final ConfigurationAdmin configAdmin;
    private final MetaTypeService metatype;

    KuraConfigurations(BundleContext context, ConfigurationAdmin configAdmin, MetaTypeService metatype) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.metatype = metatype;
    }

    String configure(String pid, List<String> values) throws IOException {
        Configuration configuration = configAdmin.getConfiguration(pid, "?");
        configuration.update(properties(pid, pid, values));
        return "configured " + pid;
    }

    String configureFactory(String factoryPid, String kuraPid, List<String> values) throws IOException {
        Configuration configuration = configAdmin.createFactoryConfiguration(factoryPid, null);
        configuration.update(properties(factoryPid, kuraPid, values));
        return "configured " + kuraPid + " as " + configuration.getPid();
    }

    String delete(String pid) throws IOException, InvalidSyntaxException {
        Configuration[] found = configAdmin.listConfigurations(
                "(|(" + org.osgi.framework.Constants.SERVICE_PID + "=" + pid + ")(" + KURA_SERVICE_PID + "=" + pid + "))");
        if (found == null) {
            return "configuration failed: no configuration " + pid;
        }
        for (Configuration configuration : found) {
            configuration.delete();
        }
        return "deleted " + pid;
    }

    /** The metatype's defaults (where the PID has metatype), then the given KEY=VALUE pairs, then kura.service.pid. */
    private Dictionary<String, Object> properties(String pid, String kuraPid, List<String> values) {
        ObjectClassDefinition ocd = RuntimeReport.find(metatype, context, pid);
        Dictionary<String, Object> properties = new Hashtable<>();
        AttributeDefinition[] attributes = ocd == null ? new AttributeDefinition[0]
                : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        for (AttributeDefinition attribute : attributes) {
            String[] defaults = attribute.getDefaultValue();
            if (defaults != null) {
                properties.put(attribute.getID(), typed(attribute, defaults));
            }
        }
        for (String value : values) {
            int equals = value.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("'" + value + "' is not KEY=VALUE");
            }
            String key = value.substring(0, equals);
            String text = value.substring(equals + 1);
            AttributeDefinition attribute = find(attributes, key);
            properties.put(key, attribute == null ? text : typed(attribute, text.split(",")));
        }
        properties.put(KURA_SERVICE_PID, kuraPid);
        return properties;
    }

    private static AttributeDefinition find(AttributeDefinition[] attributes, String id) {
        for (AttributeDefinition attribute : attributes) {
            if (attribute.getID().equals(id)) {
                return attribute;
            }
        }
        return null;
    }

    /** The values as the attribute's type: one value, or an array where its cardinality is not 0. */
    private static Object typed(AttributeDefinition attribute, String[] values) {
        if (attribute.getCardinality() == 0) {
            return value(attribute.getType(), values.length == 0 ? "" : values[0]);
        }
        Object array = Array.newInstance(value(attribute.getType(), "0").getClass(), values.length);
        for (int i = 0; i < values.length; i++) {
            Array.set(array, i, value(attribute.getType(), values[i]));
        }
        return array;
    }

    private static Object value(int type, String text) {
        String t = text.trim();
        return switch (type) {
            case AttributeDefinition.LONG -> Long.valueOf(t);
            case AttributeDefinition.INTEGER -> Integer.valueOf(t);
            case AttributeDefinition.SHORT -> Short.valueOf(t);
            case AttributeDefinition.BYTE -> Byte.valueOf(t);
            case AttributeDefinition.DOUBLE -> Double.valueOf(t);
            case AttributeDefinition.FLOAT -> Float.valueOf(t);
            case AttributeDefinition.BOOLEAN -> Boolean.valueOf(t);
            case AttributeDefinition.CHARACTER -> t.isEmpty() ? ' ' : t.charAt(0);
            default -> text;
        };
    }
}
