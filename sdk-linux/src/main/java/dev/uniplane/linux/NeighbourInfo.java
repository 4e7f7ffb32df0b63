package dev.uniplane.linux;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;

/**
 * A neighbour (ARP/NDP) entry or a proxy entry (RTM_NEWNEIGH).
 *
 * @param ifIndex ndm_ifindex
 * @param address NDA_DST
 * @param mac     NDA_LLADDR or {@code null} (proxy and incomplete entries, non-Ethernet links)
 * @param state   ndm_state (NUD_PERMANENT = 0x80, NUD_REACHABLE = 0x02, NUD_STALE = 0x04, NUD_NOARP = 0x40)
 * @param flags   ndm_flags (NTF_PROXY = 0x08, ...)
 */
public record NeighbourInfo(int ifIndex, IpAddress address, MacAddress mac, int state, int flags) {
    public static final int NUD_INCOMPLETE = 0x01;
    public static final int NUD_REACHABLE = 0x02;
    public static final int NUD_STALE = 0x04;
    public static final int NUD_NOARP = 0x40;
    public static final int NUD_PERMANENT = 0x80;
    public static final int NTF_PROXY = 0x08;

    public boolean proxy() {
        return (flags & NTF_PROXY) != 0;
    }
}
