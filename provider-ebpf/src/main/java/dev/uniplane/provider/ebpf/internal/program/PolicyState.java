package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_STATE;

/**
 * Value of {@code up_state} ({@code struct up_state}, 8 bytes; a one-key HASH so that an update swaps whole
 * elements): the flip word. Written with one map update and read by the program with one 64-bit load, so slot and
 * revision always belong to the same apply.
 *
 * @param activeSlot 0 or 1
 * @param revision   policy revision; flows tracked under another revision are re-evaluated
 */
public record PolicyState(int activeSlot, int revision) {
    public static final int SIZE = (int) UP_STATE.byteSize();

    public PolicyState {
        if (activeSlot != 0 && activeSlot != 1) {
            throw new IllegalArgumentException("slot " + activeSlot);
        }
    }

    public int inactiveSlot() {
        return 1 - activeSlot;
    }

    /** The state after flipping to the other slot. */
    public PolicyState flipped() {
        return new PolicyState(inactiveSlot(), revision + 1);
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Wire.u32(b, Wire.offset(UP_STATE, "active_slot"), activeSlot);
        Wire.u32(b, Wire.offset(UP_STATE, "revision"), revision);
        return b;
    }

    public static PolicyState decode(byte[] b) {
        Wire.check(b, UP_STATE);
        return new PolicyState(Wire.u32(b, Wire.offset(UP_STATE, "active_slot")),
                Wire.u32(b, Wire.offset(UP_STATE, "revision")));
    }
}
