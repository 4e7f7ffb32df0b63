package dev.uniplane.api;

import dev.uniplane.spi.Availability;
import java.util.Objects;

/** The named provider is missing or cannot run on this machine; {@link #availability()} says exactly why. */
public class ProviderUnavailableException extends DataplaneException {
    private static final long serialVersionUID = 1L;
    private final String provider;
    private final transient Availability availability;

    public ProviderUnavailableException(String provider, Availability availability) {
        super("provider " + provider + " is unavailable: " + availability.describe());
        this.provider = Objects.requireNonNull(provider, "provider");
        this.availability = availability;
    }

    public String provider() {
        return provider;
    }

    public Availability availability() {
        return availability;
    }
}
