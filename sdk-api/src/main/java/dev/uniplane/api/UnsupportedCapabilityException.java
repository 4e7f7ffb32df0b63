package dev.uniplane.api;

import java.util.Objects;

/** The provider does not have the capability a call needs; it did nothing. */
public class UnsupportedCapabilityException extends DataplaneException {
    private static final long serialVersionUID = 1L;
    private final Capability capability;

    public UnsupportedCapabilityException(String provider, Capability capability) {
        super("provider " + provider + " does not support " + capability);
        this.capability = Objects.requireNonNull(capability, "capability");
    }

    public Capability capability() {
        return capability;
    }
}
