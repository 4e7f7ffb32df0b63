package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_POLICY_VALUE;

import java.util.Objects;

/**
 * Value of the policy LPM ({@code struct up_policy_value}, 8 bytes).
 *
 * @param verdict what the entry decides
 * @param ruleId  the deciding rule's id (index into {@code up_rule_stats}), 0 for default verdicts
 */
public record PolicyValue(Verdict verdict, int ruleId) {
    public static final int SIZE = (int) UP_POLICY_VALUE.byteSize();
    private static final long VERDICT = Wire.offset(UP_POLICY_VALUE, "verdict");
    private static final long RULE = Wire.offset(UP_POLICY_VALUE, "rule_id");

    public PolicyValue {
        Objects.requireNonNull(verdict, "verdict");
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Wire.u8(b, VERDICT, verdict.code());
        Wire.u32(b, RULE, ruleId);
        return b;
    }

    public static PolicyValue decode(byte[] b) {
        Wire.check(b, UP_POLICY_VALUE);
        return new PolicyValue(Verdict.of(Wire.u8(b, VERDICT)), Wire.u32(b, RULE));
    }
}
