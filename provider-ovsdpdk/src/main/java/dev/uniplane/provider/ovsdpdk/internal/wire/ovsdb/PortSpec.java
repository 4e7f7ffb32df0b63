package dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A port with one interface to add to a bridge: interface {@code type} ({@code dpdk}, {@code internal}, {@code afxdp},
 * "" for a system device), its {@code options} (for DPDK: {@code dpdk-devargs}), an optional requested OpenFlow port
 * number and the {@code external_ids} that mark it as ours.
 */
public record PortSpec(String name, String type, Map<String, String> options, OptionalLong ofportRequest,
                       Map<String, String> externalIds) {
    public PortSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        options = Map.copyOf(options);
        externalIds = Map.copyOf(externalIds);
    }

    /**
     * A DPDK af_packet port on host interface {@code hostIface}, with {@code framecnt=4096} (NOTES 4.3: the default 512
     * loses packets). The DPDK device is named {@code net_af_packet_<name>}: EAL matches drivers by name prefix, and a
     * per-port suffix keeps device names unique within the vswitchd.
     */
    public static PortSpec dpdkAfPacket(String name, String hostIface) {
        return new PortSpec(name, "dpdk",
                Map.of("dpdk-devargs", "net_af_packet_" + name + ",iface=" + hostIface + ",framecnt=4096"),
                OptionalLong.empty(), Map.of("owner", "uniplane"));
    }

    /** The same port asking for OpenFlow port number {@code ofport}. */
    public PortSpec withOfportRequest(long ofport) {
        return new PortSpec(name, type, options, OptionalLong.of(ofport), externalIds);
    }
}
