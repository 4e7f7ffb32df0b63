package dev.uniplane.linux.internal.netlink;

import dev.uniplane.linux.QdiscInfo;
import dev.uniplane.linux.TcFilterInfo;
import java.nio.ByteBuffer;

/** Traffic-control (qdisc and filter) messages of rtnetlink: tcmsg encoding and reply decoding. */
public final class TcCodec {
    public static final int RTM_NEWQDISC = 36;
    public static final int RTM_DELQDISC = 37;
    public static final int RTM_GETQDISC = 38;
    public static final int RTM_NEWTFILTER = 44;
    public static final int RTM_GETTFILTER = 46;
    public static final int TCA_KIND = 1;
    public static final int TCA_OPTIONS = 2;
    public static final int TCA_U32_CLASSID = 1;
    public static final int TCA_U32_SEL = 5;
    /** {@code htons(ETH_P_ALL)} as the low half of tcm_info. */
    public static final int PROTOCOL_ALL = 0x0300;
    /** struct tcmsg: family, pad, pad, ifindex, handle, parent, info. */
    public static final int TCMSG_LEN = 20;
    /** The handle of clsact (and ingress) qdiscs, {@code ffff:}. */
    public static final int CLSACT_HANDLE = 0xffff0000;

    private TcCodec() {
    }

    /** Writes a tcmsg. */
    public static void tcmsg(NlBuilder b, int index, int handle, int parent, int info) {
        b.u8(RtnlCodec.AF_UNSPEC).u8(0).u16(0).u32(index).u32(handle).u32(parent).u32(info);
    }

    /**
     * A u32 filter that matches every packet (one key: mask 0, value 0) and classifies it as {@code classid}, with no
     * action: {@code tc filter add ... pref P protocol all u32 match u32 0 0 classid C}.
     */
    public static void u32MatchAll(NlBuilder b, int classid) {
        b.attrString(TCA_KIND, "u32").nest(TCA_OPTIONS).attrU32(TCA_U32_CLASSID, classid);
        // struct tc_u32_sel (flags TC_U32_TERMINAL, nkeys 1, the rest 0) and its one struct tc_u32_key, all zero
        byte[] sel = new byte[16 + 16];
        sel[0] = 1;
        sel[2] = 1;
        b.attr(TCA_U32_SEL, sel).endNest();
    }

    public static QdiscInfo decodeQdisc(NlMessage m) {
        ByteBuffer p = m.payload();
        NlAttrs a = m.attrs(TCMSG_LEN);
        return new QdiscInfo(p.getInt(4), a.string(TCA_KIND), p.getInt(8), p.getInt(12));
    }

    public static TcFilterInfo decodeFilter(NlMessage m) {
        ByteBuffer p = m.payload();
        NlAttrs a = m.attrs(TCMSG_LEN);
        int info = p.getInt(16);
        return new TcFilterInfo(p.getInt(4), p.getInt(12), info >>> 16, info & 0xffff, p.getInt(8), a.string(TCA_KIND));
    }
}
