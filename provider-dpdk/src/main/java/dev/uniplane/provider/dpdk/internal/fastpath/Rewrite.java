package dev.uniplane.provider.dpdk.internal.fastpath;

/** What the loop does to a packet between rx and tx. */
public enum Rewrite {
    /** Nothing: plain io forwarding (testpmd {@code io}). */
    NONE,
    /** Swap destination and source MAC (testpmd {@code macswap}); frames shorter than 12 bytes pass unchanged. */
    MAC_SWAP
}
