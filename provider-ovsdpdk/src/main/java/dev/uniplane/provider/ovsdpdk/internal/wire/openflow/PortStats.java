package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

/**
 * One entry of a port-stats multipart reply ({@code ofp_port_stats}, 112 bytes). A counter the port does not support
 * is all ones on the wire; it reads as -1 here.
 */
public record PortStats(long portNo, long rxPackets, long txPackets, long rxBytes, long txBytes, long rxDropped,
                        long txDropped, long rxErrors, long txErrors, long rxFrameErrors, long rxOverErrors,
                        long rxCrcErrors, long collisions, long durationSec, long durationNsec) {
}
