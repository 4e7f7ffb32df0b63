package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

/**
 * One {@code flow_mod_spec} of a Nicira {@link Action.Learn} (nicira-ext.h): how the learned flow's match or actions
 * are built from the packet that executes the action. Fields are named by their 32-bit NXM/OXM header
 * ({@link Nxm#header}) and always taken whole (offset 0, {@code nBits} = the field's width).
 */
public sealed interface LearnSpec {
    /** {@code NX_LEARN_SRC_IMMEDIATE}. */
    int SRC_IMMEDIATE = 1 << 13;
    /** {@code NX_LEARN_DST_LOAD}. */
    int DST_LOAD = 1 << 11;

    /** How many bits the spec moves. */
    int nBits();

    /** The field it writes (match field or loaded field). */
    int dstField();

    /**
     * The learned flow matches {@code dstField} = the packet's {@code srcField} (the same field, or its mirror for the
     * reverse direction: {@code ip_dst=ip_src}).
     */
    record MatchField(int srcField, int dstField, int nBits) implements LearnSpec {
    }

    /** The learned flow matches {@code dstField} = {@code value}. */
    record MatchValue(long value, int dstField, int nBits) implements LearnSpec {
    }

    /** The learned flow's actions load {@code value} into {@code dstField}. */
    record LoadValue(long value, int dstField, int nBits) implements LearnSpec {
    }
}
