package io.robmqtt.shutdown;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the framework's storage directory (the gateway's {@code run/felix-cache}) readable by its owner only:
 * ConfigAdmin persists every configuration there, a password typed into the Web Console included, and the files
 * get the process's umask, often world-readable. A closed directory closes everything in it.
 */
@Component(immediate = true, service = {})
public class OwnerOnlyStorage {
    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnlyStorage.class);

    @Activate
    public OwnerOnlyStorage(BundleContext context) {
        String storage = context.getProperty(Constants.FRAMEWORK_STORAGE);
        if (storage == null) {
            return; // the framework's default place, which this bundle does not know
        }
        Path dir = Path.of(storage).toAbsolutePath();
        try {
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                LOG.info("event=storage_owner_only dir={}", dir);
            }
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("event=storage_not_owner_only dir={} reason=\"{}\": other users may read the configurations "
                    + "persisted there; start the gateway with umask 077", dir, e.toString());
        }
    }
}
