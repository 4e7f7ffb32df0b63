package dev.uniplane.linux;

import dev.uniplane.api.MacAddress;

import java.util.List;

/**
 * A link as reported by RTM_NEWLINK.
 *
 * @param index       ifindex
 * @param name        IFLA_IFNAME
 * @param mtu         IFLA_MTU
 * @param mac         IFLA_ADDRESS, or {@code null} for links without a 6-byte (Ethernet) address
 * @param flags       ifi_flags (IFF_UP = 1, IFF_LOWER_UP = 0x10000, ...)
 * @param masterIndex IFLA_MASTER, 0 when enslaved to nothing
 * @param kind        IFLA_INFO_KIND ("veth", "bridge", "vxlan", "tun", ...), or {@code null}
 * @param operState   IFLA_OPERSTATE (IF_OPER_UP = 6, DOWN = 2, UNKNOWN = 0)
 * @param linkIndex   IFLA_LINK (the veth peer's index, possibly in another netns), 0 when absent
 * @param stats       IFLA_STATS64 counters ({@link LinkStats#ZERO} when not reported)
 * @param vfs         decoded IFLA_VFINFO_LIST (only when requested with VF info)
 */
public record LinkInfo(int index, String name, int mtu, MacAddress mac, int flags, int masterIndex, String kind,
                       int operState, int linkIndex, LinkStats stats, List<VfInfo> vfs) {
    public static final int IFF_UP = 0x1;
    public static final int IFF_LOWER_UP = 0x10000;

    public LinkInfo {
        vfs = vfs == null ? List.of() : List.copyOf(vfs);
    }

    /** Administratively up (IFF_UP). */
    public boolean up() {
        return (flags & IFF_UP) != 0;
    }
}
