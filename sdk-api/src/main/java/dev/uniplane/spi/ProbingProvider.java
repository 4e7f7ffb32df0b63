package dev.uniplane.spi;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.ProviderUnavailableException;
import java.util.Objects;
import java.util.Optional;

/**
 * The common shape of a provider: fixed name, description, priority and capabilities; a probe that reports the first
 * missing prerequisite (and never throws); an {@code open} that refuses, with the probe's cause, to open what cannot run.
 */
public abstract class ProbingProvider implements DataplaneProvider {
    private final String name;
    private final String description;
    private final int priority;
    private final Capabilities capabilities;

    protected ProbingProvider(String name, String description, int priority, Capabilities capabilities) {
        this.name = Objects.requireNonNull(name, "name");
        this.description = Objects.requireNonNull(description, "description");
        this.priority = priority;
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
    }

    /**
     * The API version this provider was built for: implement it in the provider's own class as
     * {@code return API_VERSION;} (a compile-time constant, so the compiler writes the version of the sdk-api it built
     * against into that class; a body here would only ever report the sdk-api that runs it).
     */
    @Override
    public abstract String apiVersion();

    /** The first missing prerequisite (library, package, privilege, kernel feature, daemon), or empty. */
    protected abstract Optional<Availability> firstMissing();

    /** What the probe says when nothing is missing: available, unless the dataplane itself is not written yet. */
    protected Availability whenReady() {
        return Availability.ok();
    }

    /** Opens the dataplane; called only when {@link #probe()} says available. */
    protected Dataplane openAvailable(DataplaneConfig config) {
        throw new ProviderUnavailableException(name, whenReady());
    }

    /** The cause a provider reports while its dataplane is not implemented ({@code tracking}: e.g. "issue #7", or null). */
    protected static Availability notImplemented(String tracking, String hint) {
        return Availability.unavailable("dataplane not implemented yet in this release" + (tracking == null ? "" : " (" + tracking + ")"), hint);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final int priority() {
        return priority;
    }

    @Override
    public final Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public final Availability probe() {
        try {
            return firstMissing().orElseGet(this::whenReady);
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("probe failed: " + e, "report this as a bug of provider-" + name);
        }
    }

    @Override
    public final Dataplane open(DataplaneConfig config) {
        Objects.requireNonNull(config, "config");
        Availability availability = probe();
        if (!availability.available()) {
            throw new ProviderUnavailableException(name, availability);
        }
        // One instance per name in this JVM: a second would take the backend over under the first.
        OpenDataplanes.claim(name, config.name());
        Dataplane dataplane;
        try {
            dataplane = openAvailable(config);
        } catch (RuntimeException | Error e) {
            OpenDataplanes.failed(name, config.name());
            throw e;
        }
        if (dataplane instanceof AbstractDataplane) {
            OpenDataplanes.opened(name, config.name(), dataplane);
        } else {
            OpenDataplanes.failed(name, config.name()); // its close() cannot release the claim
        }
        return dataplane;
    }
}
