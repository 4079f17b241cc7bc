/**
 * Stand-in for Kura's package of the same name. Exported at 1.0.0 so that the adapter imports it as [1.0,2),
 * which every Kura since 1.0 satisfies.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.eclipse.kura.crypto;
