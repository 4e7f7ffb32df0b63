package dev.uniplane.provider.vpp.internal.program;

import dev.uniplane.provider.vpp.internal.wire.VppApiClient;
import dev.uniplane.spi.policy.ResolvedPolicy;
import java.util.List;

/**
 * PLACEHOLDER (helper vppacl writes the real class; the lead replaces this file on merge): encodes a resolved policy
 * into ACL plugin rules. Every method throws {@link UnsupportedOperationException}; the dataplane calls it only while
 * it declares {@code POLICY}.
 */
public final class AclProgram {
    /** A program that talks to VPP through {@code api}, without counters. */
    public AclProgram(VppApiClient api) {
    }

    /** A program that talks to VPP through {@code api} and reads its counters behind {@code statsSocket}. */
    public AclProgram(VppApiClient api, java.nio.file.Path statsSocket) {
    }

    /**
     * Programs the resolved policy (plus anti-spoofing on each endpoint's ingress) make-before-break: new ACLs are
     * created, then each interface's ACL list is switched in one message, then the old ACLs are deleted. On failure
     * nothing changes and a BackendFailure is thrown.
     */
    public void apply(ResolvedPolicy policy, List<AclEndpoint> endpoints) {
        throw new UnsupportedOperationException("AclProgram placeholder");
    }

    /** Re-creates everything after VPP restarted (all ACL indices are gone). */
    public void reapply() {
        throw new UnsupportedOperationException("AclProgram placeholder");
    }

    /**
     * Re-creates everything after VPP restarted, through {@code reconnected} (the client of the new VPP process) and
     * with the endpoints' new interfaces ({@code endpoints} in the same order as before).
     */
    public void reapply(VppApiClient reconnected, List<AclEndpoint> endpoints) {
        throw new UnsupportedOperationException("AclProgram placeholder");
    }

    /** Per rule counters and per-endpoint drop reasons, where the ACL plugin gives them. */
    public AclCounters counters() {
        throw new UnsupportedOperationException("AclProgram placeholder");
    }

    /** Deletes every ACL this program created. */
    public void clear() {
        throw new UnsupportedOperationException("AclProgram placeholder");
    }
}
