package dev.uniplane.provider.vpp.internal.host;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.MacAddress;

/**
 * One attached endpoint as the dataplane wired it.
 *
 * @param slot      its number in the dataplane (names the host veth end)
 * @param hostName  the host end of its veth, which VPP's af_packet interface {@code host-<hostName>} reads; for a
 *                  memif endpoint, its socket file
 * @param swIfIndex that af_packet interface
 * @param mac       the workload end's MAC
 * @param spec      what was attached
 * @param kind      how
 * @param memifSocket the id of a memif endpoint's socket in VPP, -1 for a veth
 */
public record Wiring(int slot, String hostName, int swIfIndex, MacAddress mac, AttachSpec spec, AttachKind kind,
                     int memifSocket) {
    /** Whether the endpoint is a memif interface (a DPDK-native or VPP-native workload). */
    public boolean memif() {
        return kind == AttachKind.MEMIF;
    }

    /** VPP's name of the af_packet interface on {@code linuxName}. */
    public static String vppName(String linuxName) {
        return "host-" + linuxName;
    }
}
