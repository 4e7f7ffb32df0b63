package dev.uniplane.provider.vpp.internal.wire;

import java.io.IOException;
import java.util.List;

/**
 * The connected VPP does not have some message in the version this client encodes: its message table lacks the
 * {@code name_crc} (a different CRC means a changed definition; no entry at all means the plugin is not loaded).
 * The message names each one, e.g. {@code "acl_add_replace: VPP has crc 12345678, this client encodes ee5c2f18"}.
 */
public final class IncompatibleVppException extends IOException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    /** One entry per message that does not match. */
    public IncompatibleVppException(List<String> problems) {
        super("VPP's API does not match this client: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per mismatching or missing message. */
    public List<String> problems() {
        return problems;
    }
}
