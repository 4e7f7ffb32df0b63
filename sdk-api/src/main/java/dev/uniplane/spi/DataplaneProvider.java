package dev.uniplane.spi;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;

/**
 * A backend. Implementations are found with {@link java.util.ServiceLoader} (module {@code provides} or
 * {@code META-INF/services/dev.uniplane.spi.DataplaneProvider}) and must have a public no-argument constructor that
 * does no I/O: probing happens in {@link #probe()}.
 */
public interface DataplaneProvider {

    /** Short unique name, e.g. {@code ebpf}; what {@code -Duniplane.provider} and {@link DataplaneConfig#provider()} name. */
    String name();

    /** One line for humans. */
    String description();

    /** What dataplanes of this provider can do when available. */
    Capabilities capabilities();

    /** Checks libraries, privileges, kernel features and daemons; never throws. */
    Availability probe();

    /** Preference among available providers in {@code Dataplanes.select}: higher wins. Default 0. */
    default int priority() {
        return 0;
    }

    /**
     * Opens (or adopts, after a restart) the dataplane named {@code config.name()}.
     *
     * @throws dev.uniplane.api.ProviderUnavailableException when {@link #probe()} would say unavailable
     * @throws dev.uniplane.api.InvalidSpecException         for unknown or malformed options
     */
    Dataplane open(DataplaneConfig config);
}
