package dev.uniplane.linux.internal.netlink;

/**
 * A decoded NLMSG_ERROR (or NLMSG_DONE status): {@code error} is the negative errno or 0 for an ACK; {@code extAck} is
 * NLMSGERR_ATTR_MSG and {@code badAttrOffset} NLMSGERR_ATTR_OFFS (-1 when absent).
 *
 * @param error         0 or a negative errno
 * @param requestType   nlmsg_type of the request this answers (-1 for DONE)
 * @param requestSeq    nlmsg_seq of that request
 * @param extAck        the kernel's message or {@code null}
 * @param badAttrOffset offset of the offending attribute in the request, or -1
 */
public record NlError(int error, int requestType, int requestSeq, String extAck, int badAttrOffset) {
    public static final int NLM_F_CAPPED = 0x100;
    public static final int NLM_F_ACK_TLVS = 0x200;
    public static final int NLMSGERR_ATTR_MSG = 1;
    public static final int NLMSGERR_ATTR_OFFS = 2;

    public boolean isAck() {
        return error == 0;
    }

    /** Decodes the payload of an NLMSG_ERROR message. */
    public static NlError decodeError(NlMessage m) {
        var p = m.payload();
        int error = p.getInt(0);
        int origLen = p.getInt(4);
        int origType = Short.toUnsignedInt(p.getShort(8));
        int origSeq = p.getInt(12);
        int tlvStart = 4 + NlBuilder.NLMSG_HDRLEN;
        if ((m.flags() & NLM_F_CAPPED) == 0 && error != 0) {
            tlvStart = 4 + NlBuilder.align(origLen);
        }
        return withTlvs(m, error, origType, origSeq, tlvStart);
    }

    /** Decodes the int status of an NLMSG_DONE message (dumps may end with an error and extack). */
    public static NlError decodeDone(NlMessage m) {
        int error = m.payload().limit() >= 4 ? m.payload().getInt(0) : 0;
        return withTlvs(m, error, -1, m.seq(), 4);
    }

    private static NlError withTlvs(NlMessage m, int error, int type, int seq, int tlvStart) {
        String msg = null;
        int offs = -1;
        if ((m.flags() & NLM_F_ACK_TLVS) != 0 && tlvStart <= m.payload().limit()) {
            NlAttrs tlvs = NlAttrs.parse(m.payload(), tlvStart);
            msg = tlvs.string(NLMSGERR_ATTR_MSG);
            offs = tlvs.u32(NLMSGERR_ATTR_OFFS, -1);
        }
        return new NlError(error, type, seq, msg, offs);
    }
}
