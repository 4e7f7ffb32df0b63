package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_CT_ENTRY;

/**
 * Value of {@code up_ct} ({@code struct up_ct_entry}, 16 bytes).
 *
 * @param revision policy revision the flow was last allowed under
 * @param state    {@link #NEW}, {@link #ESTABLISHED} or {@link #CLOSING}
 * @param flags    {@link #ORIG_IS_A}, {@link #SEEN_REPLY}
 * @param lastSeen {@code bpf_ktime_get_ns()} of the last packet
 */
public record CtEntry(int revision, int state, int flags, long lastSeen) {
    public static final int SIZE = (int) UP_CT_ENTRY.byteSize();
    public static final int NEW = 0;
    public static final int ESTABLISHED = 1;
    public static final int CLOSING = 2;
    public static final int ORIG_IS_A = 1;
    public static final int SEEN_REPLY = 2;

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Wire.u32(b, Wire.offset(UP_CT_ENTRY, "revision"), revision);
        Wire.u8(b, Wire.offset(UP_CT_ENTRY, "state"), state);
        Wire.u8(b, Wire.offset(UP_CT_ENTRY, "flags"), flags);
        Wire.u64(b, Wire.offset(UP_CT_ENTRY, "last_seen"), lastSeen);
        return b;
    }

    public static CtEntry decode(byte[] b) {
        Wire.check(b, UP_CT_ENTRY);
        return new CtEntry(Wire.u32(b, Wire.offset(UP_CT_ENTRY, "revision")), Wire.u8(b, Wire.offset(UP_CT_ENTRY, "state")),
                Wire.u8(b, Wire.offset(UP_CT_ENTRY, "flags")), Wire.u64(b, Wire.offset(UP_CT_ENTRY, "last_seen")));
    }
}
