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

    /**
     * The version of the sdk-api a provider is compiled against, e.g. {@code 0.1.0-SNAPSHOT}; written by the build. It
     * is a compile-time constant, so {@code return API_VERSION;} in a provider's {@link #apiVersion()} keeps the version
     * of the sdk-api it was built with, whatever sdk-api runs it later.
     */
    String API_VERSION = BuiltApiVersion.VALUE;

    /** Short unique name, e.g. {@code ebpf}; what {@code -Duniplane.provider} and {@link DataplaneConfig#provider()} name. */
    String name();

    /** One line for humans. */
    String description();

    /** What dataplanes of this provider can do when available. */
    Capabilities capabilities();

    /** Checks libraries, privileges, kernel features and daemons; never throws. */
    Availability probe();

    /**
     * The Uniplane API version this provider was built for, as SLF4J 2 providers declare theirs. Implement it as
     * {@code return API_VERSION;} in the provider's own class, so that the compiler writes the version into it.
     * {@code Dataplanes} reports a provider built for an API it cannot run (see {@link ApiVersion#accepts}) as
     * unavailable, naming both versions, instead of letting a {@link LinkageError} surface later.
     *
     * @return a version such as {@code 0.1.0}, or {@code null} when the provider does not declare one (it predates
     *         API versions); such a provider is taken as compatible
     */
    default String apiVersion() {
        return null;
    }

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
