package dev.uniplane.linux.internal.netlink;

import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.VfInfo;
import dev.uniplane.linux.VfLinkState;
import dev.uniplane.linux.VfSetting;
import dev.uniplane.linux.VfStats;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes one {@link VfSetting} as {@code IFLA_VFINFO_LIST{IFLA_VF_INFO{attr}}} and decodes IFLA_VFINFO_LIST from a GETLINK
 * reply. Layouts follow the UAPI structs (u32 host order; the VLAN protocol is big-endian at offset 12 of ifla_vf_vlan_info).
 */
public final class VfCodec {
    public static final int IFLA_VFINFO_LIST = 22;
    public static final int IFLA_VF_INFO = 1;
    public static final int IFLA_VF_MAC = 1;
    public static final int IFLA_VF_VLAN = 2;
    public static final int IFLA_VF_TX_RATE = 3;
    public static final int IFLA_VF_SPOOFCHK = 4;
    public static final int IFLA_VF_LINK_STATE = 5;
    public static final int IFLA_VF_RATE = 6;
    public static final int IFLA_VF_RSS_QUERY_EN = 7;
    public static final int IFLA_VF_STATS = 8;
    public static final int IFLA_VF_TRUST = 9;
    public static final int IFLA_VF_VLAN_LIST = 12;
    public static final int IFLA_VF_VLAN_INFO = 1;
    public static final int IFLA_VF_BROADCAST = 13;
    public static final int STATS_RX_PACKETS = 0;
    public static final int STATS_TX_PACKETS = 1;
    public static final int STATS_RX_BYTES = 2;
    public static final int STATS_TX_BYTES = 3;
    public static final int STATS_BROADCAST = 4;
    public static final int STATS_MULTICAST = 5;
    public static final int STATS_PAD = 6;
    public static final int STATS_RX_DROPPED = 7;
    public static final int STATS_TX_DROPPED = 8;
    private static final int UNREPORTED = -1;

    private VfCodec() {
    }

    /** Appends the IFLA_VFINFO_LIST nest for one setting to a message under construction. */
    public static void encode(NlBuilder b, VfSetting setting) {
        b.nest(IFLA_VFINFO_LIST, false).nest(IFLA_VF_INFO, false);
        switch (setting) {
            case VfSetting.Mac m -> {
                byte[] mac = new byte[32];
                byte[] src = m.mac().toBytes();
                System.arraycopy(src, 0, mac, 0, Math.min(src.length, 32));
                b.nest(IFLA_VF_MAC, false).u32(m.vf()).bytes(mac).endNest();
            }
            case VfSetting.Vlan v -> b.nest(IFLA_VF_VLAN_LIST, false)
                    .nest(IFLA_VF_VLAN_INFO, false)
                    .u32(v.vf()).u32(v.vlan()).u32(v.qos())
                    .u8(v.proto() >>> 8).u8(v.proto()).zeros(2)
                    .endNest().endNest();
            case VfSetting.Rate r -> b.nest(IFLA_VF_RATE, false).u32(r.vf()).u32(r.minMbps()).u32(r.maxMbps()).endNest();
            case VfSetting.SpoofCheck s -> b.nest(IFLA_VF_SPOOFCHK, false).u32(s.vf()).u32(s.enabled() ? 1 : 0).endNest();
            case VfSetting.Trust t -> b.nest(IFLA_VF_TRUST, false).u32(t.vf()).u32(t.trusted() ? 1 : 0).endNest();
            case VfSetting.LinkState l -> b.nest(IFLA_VF_LINK_STATE, false).u32(l.vf()).u32(l.state().code()).endNest();
        }
        b.endNest().endNest();
    }

    /** Decodes the payload of IFLA_VFINFO_LIST. */
    public static List<VfInfo> decodeList(NlAttrs list) {
        List<VfInfo> out = new ArrayList<>();
        for (NlAttrs.Attr info : list.all(IFLA_VF_INFO)) {
            out.add(decodeInfo(info.nested()));
        }
        return out;
    }

    /** Decodes one IFLA_VF_INFO nest; unknown attributes (GUIDs, BROADCAST, RSS_QUERY_EN) are ignored. */
    public static VfInfo decodeInfo(NlAttrs a) {
        int vf = -1;
        MacAddress mac = null;
        Integer vlan = null;
        Integer qos = null;
        Integer proto = null;
        Integer min = null;
        Integer max = null;
        Boolean spoof = null;
        Boolean trust = null;
        VfLinkState state = null;
        VfStats stats = null;
        for (NlAttrs.Attr attr : a.all()) {
            ByteBuffer v = attr.value();
            switch (attr.type()) {
                case IFLA_VF_MAC -> {
                    vf = v.getInt(0);
                    byte[] m = new byte[6];
                    v.get(4, m);
                    mac = MacAddress.ofBytes(m);
                }
                case IFLA_VF_VLAN -> {
                    vf = v.getInt(0);
                    vlan = v.getInt(4);
                    qos = v.getInt(8);
                }
                case IFLA_VF_VLAN_LIST -> {
                    NlAttrs.Attr first = attr.nested().get(IFLA_VF_VLAN_INFO);
                    if (first != null && first.value().limit() >= 14) {
                        ByteBuffer i = first.value();
                        vf = i.getInt(0);
                        vlan = i.getInt(4);
                        qos = i.getInt(8);
                        proto = ((i.get(12) & 0xff) << 8) | (i.get(13) & 0xff);
                    }
                }
                case IFLA_VF_RATE -> {
                    vf = v.getInt(0);
                    min = v.getInt(4);
                    max = v.getInt(8);
                }
                case IFLA_VF_TX_RATE -> {
                    if (max == null) {
                        max = v.getInt(4);
                    }
                }
                case IFLA_VF_SPOOFCHK -> spoof = flag(v.getInt(4));
                case IFLA_VF_TRUST -> trust = flag(v.getInt(4));
                case IFLA_VF_LINK_STATE -> state = VfLinkState.of(v.getInt(4));
                case IFLA_VF_STATS -> stats = decodeStats(attr.nested());
                default -> {
                }
            }
        }
        return new VfInfo(vf, mac, vlan, qos, proto, min, max, spoof, trust, state, stats);
    }

    private static Boolean flag(int v) {
        return v == UNREPORTED ? null : v != 0;
    }

    /** Decodes IFLA_VF_STATS by attribute type, so IFLA_VF_STATS_PAD (6) is skipped and 7/8 stay the dropped counters. */
    public static VfStats decodeStats(NlAttrs s) {
        long[] c = new long[9];
        for (NlAttrs.Attr attr : s.all()) {
            int t = attr.type();
            if (t != STATS_PAD && t < c.length && attr.value().limit() >= 8) {
                c[t] = attr.u64();
            }
        }
        return new VfStats(c[STATS_RX_PACKETS], c[STATS_TX_PACKETS], c[STATS_RX_BYTES], c[STATS_TX_BYTES],
                c[STATS_BROADCAST], c[STATS_MULTICAST], c[STATS_RX_DROPPED], c[STATS_TX_DROPPED]);
    }
}
