package org.eclipse.kura.configuration;

/**
 * Compile-time stand-in for Eclipse Kura's marker interface of the same name (Kura's API is not in Maven
 * Central). Never shipped: the io.robmqtt.kura bundle imports this package from Kura.
 */
public interface ConfigurableComponent {
}
