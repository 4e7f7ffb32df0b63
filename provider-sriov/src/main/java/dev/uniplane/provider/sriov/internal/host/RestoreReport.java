package dev.uniplane.provider.sriov.internal.host;

import java.util.List;

/**
 * The outcome of {@link VfSequence#restore}: a restore goes on past each failure (a half-restored VF is worse than one
 * with a named leftover), and lists what it could not put back.
 *
 * @param netdevLocation where the VF netdev was found: {@code "workload"} (moved back), {@code "host"} (its namespace
 *                       was gone and the kernel had returned it), or {@code "missing"}
 * @param problems       what could not be restored, one line each; empty when everything was
 */
public record RestoreReport(String netdevLocation, List<String> problems) {
    public RestoreReport {
        problems = List.copyOf(problems);
    }

    /** True when everything was restored. */
    public boolean complete() {
        return problems.isEmpty();
    }
}
