package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import java.util.Objects;

/** A message with the name errors should use for it (the rule, route or group it implements). */
public record Labeled(String label, OfMessage message) {
    public Labeled {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(message, "message");
    }
}
