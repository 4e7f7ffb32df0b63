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

    /** Field headers as OVS writes them in learn specs (NXM where the field has one, else OXM). */
    public static final int ETH_TYPE_HEADER = header(0x0000, 3, 2);
    public static final int IP_PROTO_HEADER = header(0x0000, 6, 1);
    public static final int IPV4_SRC_HEADER = header(0x0000, 7, 4);
    public static final int IPV4_DST_HEADER = header(0x0000, 8, 4);
    public static final int IPV6_SRC_HEADER = header(CLASS_NX, 19, 16);
    public static final int IPV6_DST_HEADER = header(CLASS_NX, 20, 16);
    public static final int SCTP_SRC_HEADER = header(Oxm.CLASS_OPENFLOW_BASIC, 17, 2);
    public static final int SCTP_DST_HEADER = header(Oxm.CLASS_OPENFLOW_BASIC, 18, 2);

    private Nxm() {
    }

    /** A 32-bit NXM/OXM field header without mask: class, field, value length in bytes. */
    public static int header(int oxmClass, int field, int lengthBytes) {
        return oxmClass << 16 | field << 9 | lengthBytes;
    }

    /** The header of {@code reg<n>} (NXM_NX_REG0..15). */
    public static int regHeader(int n) {
        return header(CLASS_NX, n, 4);
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
