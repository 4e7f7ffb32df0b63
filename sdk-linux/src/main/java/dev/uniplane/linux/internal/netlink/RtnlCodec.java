package dev.uniplane.linux.internal.netlink;

import dev.uniplane.linux.AddressInfo;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.LinkStats;
import dev.uniplane.linux.NeighbourInfo;
import dev.uniplane.linux.FibNextHop;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.linux.RouteOperation;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.VfInfo;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** rtnetlink constants, request encoders and reply decoders (pure Java, testable on captured bytes). */
public final class RtnlCodec {
    public static final int AF_UNSPEC = 0;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_SETLINK = 19;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_DELROUTE = 25;
    public static final int RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_DELNEIGH = 29;
    public static final int RTM_GETNEIGH = 30;

    public static final int NLM_F_REQUEST = 1;
    public static final int NLM_F_ACK = 4;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_REPLACE = 0x100;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;

    public static final int IFINFOMSG_LEN = 16;
    public static final int IFADDRMSG_LEN = 8;
    public static final int RTMSG_LEN = 12;
    public static final int NDMSG_LEN = 12;

    public static final int IFLA_ADDRESS = 1;
    public static final int IFLA_IFNAME = 3;
    public static final int IFLA_MTU = 4;
    public static final int IFLA_LINK = 5;
    public static final int IFLA_MASTER = 10;
    public static final int IFLA_OPERSTATE = 16;
    public static final int IFLA_LINKINFO = 18;
    public static final int IFLA_STATS64 = 23;
    public static final int IFLA_NET_NS_FD = 28;
    public static final int IFLA_EXT_MASK = 29;
    public static final int IFLA_INFO_KIND = 1;
    public static final int IFLA_INFO_DATA = 2;
    public static final int VETH_INFO_PEER = 1;
    public static final int IFLA_VXLAN_ID = 1;
    public static final int IFLA_VXLAN_LINK = 3;
    public static final int IFLA_VXLAN_LOCAL = 4;
    public static final int IFLA_VXLAN_PORT = 15;
    public static final int IFLA_VXLAN_LOCAL6 = 17;
    public static final int RTEXT_FILTER_VF = 1;
    public static final int RTEXT_FILTER_SKIP_STATS = 8;

    public static final int IFA_ADDRESS = 1;
    public static final int IFA_LOCAL = 2;
    public static final int IFA_LABEL = 3;
    public static final int IFA_FLAGS = 8;

    public static final int RTA_DST = 1;
    public static final int RTA_OIF = 4;
    public static final int RTA_GATEWAY = 5;
    public static final int RTA_PRIORITY = 6;
    public static final int RTA_PREFSRC = 7;
    public static final int RTA_METRICS = 8;
    public static final int RTA_MULTIPATH = 9;
    public static final int RTA_TABLE = 15;
    public static final int RTNH_LEN = 8;

    public static final int NDA_DST = 1;
    public static final int NDA_LLADDR = 2;

    private RtnlCodec() {
    }

    /** Writes an ifinfomsg. */
    public static void ifinfomsg(NlBuilder b, int family, int index, int flags, int change) {
        b.u8(family).u8(0).u16(0).u32(index).u32(flags).u32(change);
    }

    /** Appends one RTM_NEWROUTE/RTM_DELROUTE message for {@code spec}. */
    public static void encodeRoute(NlBuilder b, RouteOperation op, RouteSpec spec, int seq, int extraFlags) {
        int type = op == RouteOperation.DELETE ? RTM_DELROUTE : RTM_NEWROUTE;
        int flags = NLM_F_REQUEST | extraFlags | switch (op) {
            case ADD -> NLM_F_CREATE | NLM_F_EXCL;
            case REPLACE -> NLM_F_CREATE | NLM_F_REPLACE;
            case DELETE -> 0;
        };
        boolean delete = op == RouteOperation.DELETE;
        IpPrefix dst = spec.destination();
        b.begin(type, flags, seq);
        b.u8(spec.family()).u8(dst.length()).u8(0).u8(0)
                .u8(spec.table() < 256 ? spec.table() : 0)
                .u8(delete ? 0 : spec.protocol())
                .u8(delete ? RouteSpec.SCOPE_NOWHERE : spec.scope())
                .u8(delete ? 0 : spec.type())
                .u32(0);
        if (dst.length() > 0 || !delete) {
            b.attr(RTA_DST, dst.address().toBytes());
        }
        b.attrU32(RTA_TABLE, spec.table());
        if (spec.ifIndex() != 0) {
            b.attrU32(RTA_OIF, spec.ifIndex());
        }
        if (spec.gateway() != null) {
            b.attr(RTA_GATEWAY, spec.gateway().toBytes());
        }
        if (spec.priority() >= 0) {
            b.attrU32(RTA_PRIORITY, spec.priority());
        }
        if (spec.preferredSource() != null && !delete) {
            b.attr(RTA_PREFSRC, spec.preferredSource().toBytes());
        }
        if (!spec.metrics().isEmpty() && !delete) {
            b.nest(RTA_METRICS, false);
            new TreeMap<>(spec.metrics()).forEach(b::attrU32);
            b.endNest();
        }
        if (!spec.nextHops().isEmpty()) {
            b.nest(RTA_MULTIPATH, false);
            for (FibNextHop h : spec.nextHops()) {
                int start = b.position();
                b.u16(0).u8(0).u8(h.weight() - 1).u32(h.ifIndex());
                if (h.gateway() != null) {
                    b.attr(RTA_GATEWAY, h.gateway().toBytes());
                }
                b.patchU16(start, b.position() - start);
            }
            b.endNest();
        }
        b.end();
    }

    public static LinkInfo decodeLink(NlMessage m) {
        ByteBuffer p = m.payload();
        int index = p.getInt(4);
        int flags = p.getInt(8);
        NlAttrs a = m.attrs(IFINFOMSG_LEN);
        byte[] mac = a.bytes(IFLA_ADDRESS);
        NlAttrs info = a.nested(IFLA_LINKINFO);
        NlAttrs.Attr op = a.get(IFLA_OPERSTATE);
        NlAttrs vfList = a.nested(VfCodec.IFLA_VFINFO_LIST);
        List<VfInfo> vfs = vfList == null ? List.of() : VfCodec.decodeList(vfList);
        return new LinkInfo(index, a.string(IFLA_IFNAME), a.u32(IFLA_MTU, 0), mac == null || mac.length != 6 ? null : MacAddress.ofBytes(mac),
                flags, a.u32(IFLA_MASTER, 0), info == null ? null : info.string(IFLA_INFO_KIND),
                op == null ? 0 : op.u8(), a.u32(IFLA_LINK, 0), decodeStats64(a.get(IFLA_STATS64)), vfs);
    }

    static LinkStats decodeStats64(NlAttrs.Attr attr) {
        if (attr == null || attr.value().limit() < 80) {
            return LinkStats.ZERO;
        }
        ByteBuffer v = attr.value();
        long[] c = new long[10];
        for (int i = 0; i < c.length; i++) {
            c[i] = v.getLong(i * 8);
        }
        return new LinkStats(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9]);
    }

    public static AddressInfo decodeAddress(NlMessage m) {
        ByteBuffer p = m.payload();
        int family = Byte.toUnsignedInt(p.get(0));
        int prefixLen = Byte.toUnsignedInt(p.get(1));
        int flags = Byte.toUnsignedInt(p.get(2));
        int scope = Byte.toUnsignedInt(p.get(3));
        int index = p.getInt(4);
        NlAttrs a = m.attrs(IFADDRMSG_LEN);
        byte[] addr = a.bytes(IFA_LOCAL);
        if (addr == null) {
            addr = a.bytes(IFA_ADDRESS);
        }
        flags = a.u32(IFA_FLAGS, flags);
        return new AddressInfo(index, new InterfaceAddress(inet(addr, family), prefixLen), flags, scope, a.string(IFA_LABEL));
    }

    public static RouteInfo decodeRoute(NlMessage m) {
        ByteBuffer p = m.payload();
        int family = Byte.toUnsignedInt(p.get(0));
        int dstLen = Byte.toUnsignedInt(p.get(1));
        int table = Byte.toUnsignedInt(p.get(4));
        int protocol = Byte.toUnsignedInt(p.get(5));
        int scope = Byte.toUnsignedInt(p.get(6));
        int type = Byte.toUnsignedInt(p.get(7));
        int rtmFlags = p.getInt(8);
        NlAttrs a = m.attrs(RTMSG_LEN);
        byte[] dst = a.bytes(RTA_DST);
        if (dst == null) {
            dst = new byte[family == AF_INET6 ? 16 : 4];
        }
        table = a.u32(RTA_TABLE, table);
        Map<Integer, Integer> metrics = new TreeMap<>();
        NlAttrs mx = a.nested(RTA_METRICS);
        if (mx != null) {
            for (NlAttrs.Attr x : mx.all()) {
                if (x.value().limit() >= 4) {
                    metrics.put(x.type(), x.u32());
                }
            }
        }
        List<FibNextHop> hops = new ArrayList<>();
        NlAttrs.Attr mp = a.get(RTA_MULTIPATH);
        if (mp != null) {
            ByteBuffer v = mp.value();
            int pos = 0;
            while (v.limit() - pos >= RTNH_LEN) {
                int len = Short.toUnsignedInt(v.getShort(pos));
                if (len < RTNH_LEN || len > v.limit() - pos) {
                    break;
                }
                int weight = Byte.toUnsignedInt(v.get(pos + 3)) + 1;
                int ifIndex = v.getInt(pos + 4);
                NlAttrs nh = NlAttrs.parse(v.slice(pos, len).order(v.order()), RTNH_LEN);
                byte[] gw = nh.bytes(RTA_GATEWAY);
                hops.add(new FibNextHop(gw == null ? null : inet(gw, family), ifIndex, weight));
                pos += NlBuilder.align(len);
            }
        }
        byte[] gw = a.bytes(RTA_GATEWAY);
        byte[] src = a.bytes(RTA_PREFSRC);
        return new RouteInfo(new IpPrefix(inet(dst, family), dstLen), table, gw == null ? null : inet(gw, family),
                a.u32(RTA_OIF, 0), hops, protocol, scope, type, a.u32(RTA_PRIORITY, -1),
                src == null ? null : inet(src, family), metrics, rtmFlags);
    }

    public static NeighbourInfo decodeNeighbour(NlMessage m) {
        ByteBuffer p = m.payload();
        int family = Byte.toUnsignedInt(p.get(0));
        int ifIndex = p.getInt(4);
        int state = Short.toUnsignedInt(p.getShort(8));
        int flags = Byte.toUnsignedInt(p.get(10));
        NlAttrs a = m.attrs(NDMSG_LEN);
        byte[] dst = a.bytes(NDA_DST);
        byte[] ll = a.bytes(NDA_LLADDR);
        return new NeighbourInfo(ifIndex, dst == null ? null : inet(dst, family), ll == null || ll.length != 6 ? null : MacAddress.ofBytes(ll),
                state, flags);
    }

    public static IpAddress inet(byte[] addr, int family) {
        if (addr.length != 4 && addr.length != 16) {
            throw new IllegalArgumentException("bad address length " + addr.length + " for family " + family);
        }
        return IpAddress.ofBytes(addr);
    }
}
