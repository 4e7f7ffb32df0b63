package dev.uniplane.api;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/** An immutable set of {@link Capability}. */
public record Capabilities(Set<Capability> values) {

    public Capabilities {
        Check.notNull("capabilities", values);
        EnumSet<Capability> copy = EnumSet.noneOf(Capability.class);
        copy.addAll(values);
        values = java.util.Collections.unmodifiableSet(copy);
    }

    public static Capabilities of(Capability... capabilities) {
        return new Capabilities(Set.of(capabilities));
    }

    public static Capabilities none() {
        return new Capabilities(Set.of());
    }

    public boolean has(Capability capability) {
        return values.contains(capability);
    }

    public boolean hasAll(Collection<Capability> capabilities) {
        return values.containsAll(capabilities);
    }

    /** Throws {@link UnsupportedCapabilityException} unless the capability is present. */
    public void require(String provider, Capability capability) {
        if (!has(capability)) {
            throw new UnsupportedCapabilityException(provider, capability);
        }
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
