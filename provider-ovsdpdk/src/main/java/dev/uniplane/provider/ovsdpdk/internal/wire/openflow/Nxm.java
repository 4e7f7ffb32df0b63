package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import java.util.HexFormat;

/**
 * Nicira extension match fields (class {@code NXM_NX} = 0x0001) and masked OpenFlow basic transport ports, as
 * {@link Oxm.Other} TLVs that OVS accepts inside an OpenFlow 1.3 OXM match (and returns the same in flow stats).
 */
public final class Nxm {
    /** {@code NXM_NX} class. */
    public static final int CLASS_NX = 0x0001;
    /** {@code NXM_NX_CT_STATE} field: 32 bits, maskable. */
    public static final int CT_STATE = 105;
    /** {@code NXM_NX_CT_ZONE} field: 16 bits. */
    public static final int CT_ZONE = 106;
    /** {@code NXM_NX_CT_MARK} field: 32 bits, maskable. */
    public static final int CT_MARK = 107;
    /** {@code NXM_NX_CONJ_ID} field: 32 bits, not maskable (ovs-fields(7): NXM only, since OVS 2.4). */
    public static final int CONJ_ID = 37;
    /** {@code ct_state} bits (ovs-fields(7)). */
    public static final int CS_NEW = 0x01;
    public static final int CS_ESTABLISHED = 0x02;
    public static final int CS_RELATED = 0x04;
    public static final int CS_REPLY = 0x08;
    public static final int CS_INVALID = 0x10;
    public static final int CS_TRACKED = 0x20;
    /** OpenFlow basic SCTP destination port field. */
    public static final int OFB_SCTP_DST = 18;
    /** OpenFlow basic TCP destination port field. */
    public static final int OFB_TCP_DST = 14;
    /** OpenFlow basic UDP destination port field. */
    public static final int OFB_UDP_DST = 16;

    private Nxm() {
    }

    /** {@code ct_state=value/mask}: e.g. {@code +trk+est} is {@code (CS_TRACKED|CS_ESTABLISHED, same)}. */
    public static Oxm ctState(int value, int mask) {
        return new Oxm.Other(CLASS_NX, CT_STATE, true, hex32(value) + hex32(mask));
    }

    /** {@code ct_zone=zone}. */
    public static Oxm ctZone(int zone) {
        return new Oxm.Other(CLASS_NX, CT_ZONE, false, String.format("%04x", zone & 0xffff));
    }

    /** {@code ct_mark=value/mask}. */
    public static Oxm ctMark(int value, int mask) {
        return new Oxm.Other(CLASS_NX, CT_MARK, true, hex32(value) + hex32(mask));
    }

    /** {@code conj_id=id}: the flow that acts once every dimension of conjunctive flow {@code id} matched. */
    public static Oxm conjId(long id) {
        return new Oxm.Other(CLASS_NX, CONJ_ID, false, hex32((int) id));
    }

    /** {@code reg<n>=value} (NXM_NX_REG0..15, fields 0..15, 32 bits). */
    public static Oxm reg(int n, int value) {
        return new Oxm.Other(CLASS_NX, n, false, hex32(value));
    }

    /**
     * A TCP/UDP/SCTP destination port ({@code field} one of {@link #OFB_TCP_DST}, {@link #OFB_UDP_DST},
     * {@link #OFB_SCTP_DST}) under a mask; an all-ones mask is sent unmasked.
     */
    public static Oxm portDst(int field, int port, int mask) {
        if ((mask & 0xffff) == 0xffff && field == OFB_TCP_DST) {
            return new Oxm.TcpDst(port);
        }
        if ((mask & 0xffff) == 0xffff && field == OFB_UDP_DST) {
            return new Oxm.UdpDst(port);
        }
        if ((mask & 0xffff) == 0xffff) {
            return new Oxm.Other(Oxm.CLASS_OPENFLOW_BASIC, field, false, String.format("%04x", port & 0xffff));
        }
        return new Oxm.Other(Oxm.CLASS_OPENFLOW_BASIC, field, true, String.format("%04x%04x", port & mask & 0xffff, mask & 0xffff));
    }

    private static String hex32(int v) {
        return HexFormat.of().toHexDigits(v);
    }
}
