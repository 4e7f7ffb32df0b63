package dev.uniplane.linux;

/**
 * A queueing discipline as reported by RTM_NEWQDISC.
 *
 * @param index  ifindex of the link it sits on
 * @param kind   TCA_KIND ("clsact", "noqueue", "pfifo_fast", ...)
 * @param handle tcm_handle ({@code 0xffff0000} for clsact and ingress)
 * @param parent tcm_parent ({@link #ROOT}, or {@link #CLSACT} for clsact and ingress)
 */
public record QdiscInfo(int index, String kind, int handle, int parent) {
    /** {@code TC_H_ROOT}: the parent of a link's root qdisc. */
    public static final int ROOT = 0xffffffff;
    /** {@code TC_H_CLSACT} (= {@code TC_H_INGRESS}): the parent of the clsact and ingress qdiscs. */
    public static final int CLSACT = 0xfffffff1;
    /** The parent of filters on clsact's ingress hook ({@code TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS)}). */
    public static final int CLSACT_INGRESS = 0xfffffff2;
    /** The parent of filters on clsact's egress hook ({@code TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS)}). */
    public static final int CLSACT_EGRESS = 0xfffffff3;

    /** A clsact qdisc (the hook tc BPF programs and tc filters on ingress/egress hang off). */
    public boolean isClsact() {
        return "clsact".equals(kind);
    }

    @Override
    public String toString() {
        return kind + " " + Integer.toHexString(handle >>> 16) + ": parent " + parentName(parent);
    }

    static String parentName(int parent) {
        return switch (parent) {
            case ROOT -> "root";
            case CLSACT -> "ffff:fff1";
            case CLSACT_INGRESS -> "ingress";
            case CLSACT_EGRESS -> "egress";
            default -> Integer.toHexString(parent >>> 16) + ":" + Integer.toHexString(parent & 0xffff);
        };
    }
}
