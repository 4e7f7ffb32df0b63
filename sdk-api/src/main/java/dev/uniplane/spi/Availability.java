package dev.uniplane.spi;

import java.util.Objects;

/**
 * Whether a provider can run here and, if not, exactly why (Netty's {@code isAvailable()/unavailabilityCause()}).
 *
 * @param available true when {@link DataplaneProvider#open} can succeed
 * @param cause     what is missing, e.g. {@code "libbpf.so.1 not found"}; empty when available
 * @param hint      how to fix it, e.g. {@code "apt-get install libbpf1"}; may be empty
 */
public record Availability(boolean available, String cause, String hint) {

    private static final Availability OK = new Availability(true, "", "");

    public Availability {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(hint, "hint");
        if (!available && cause.isBlank()) {
            throw new IllegalArgumentException("an unavailable provider must state its cause");
        }
    }

    public static Availability ok() {
        return OK;
    }

    public static Availability unavailable(String cause, String hint) {
        return new Availability(false, cause, hint == null ? "" : hint);
    }

    /** {@code "available"} or {@code "<cause> (hint: <hint>)"}. */
    public String describe() {
        if (available) {
            return "available";
        }
        return hint.isBlank() ? cause : cause + " (hint: " + hint + ")";
    }
}
