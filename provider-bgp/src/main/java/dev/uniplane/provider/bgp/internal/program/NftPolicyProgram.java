package dev.uniplane.provider.bgp.internal.program;

import dev.uniplane.linux.NetNs;
import dev.uniplane.spi.policy.ResolvedPolicy;
import java.util.List;

/**
 * PLACEHOLDER: the nftables policy program (libnftables through FFM, one inet table per dataplane), written in
 * parallel by another branch, which replaces this file. Every method throws {@link UnsupportedOperationException};
 * the dataplane calls it only while {@code BgpProvider} declares POLICY.
 */
public final class NftPolicyProgram implements AutoCloseable {
    private NftPolicyProgram() {
    }

    /** Creates table {@code table} (inet family) with its base chains in netns {@code node}, one transaction. */
    public static NftPolicyProgram create(NetNs node, String table) {
        throw new UnsupportedOperationException("nftables policy program not merged yet");
    }

    /** Adopts an existing table of that name left by a previous process (restart) without changing it. */
    public static NftPolicyProgram adopt(NetNs node, String table) {
        throw new UnsupportedOperationException("nftables policy program not merged yet");
    }

    /**
     * Replaces the whole ruleset of the table in one nft transaction: anti-spoofing per endpoint, per endpoint and
     * direction isolation, rules in resolved order. On failure the old ruleset stays and a BackendFailure is thrown.
     */
    public void apply(ResolvedPolicy policy, List<NftEndpoint> endpoints) {
        throw new UnsupportedOperationException("nftables policy program not merged yet");
    }

    /** Per rule counters and per endpoint drop reasons. */
    public NftCounters counters() {
        throw new UnsupportedOperationException("nftables policy program not merged yet");
    }

    /** Deletes the table. */
    public void destroy() {
        throw new UnsupportedOperationException("nftables policy program not merged yet");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("nftables policy program not merged yet");
    }
}
