package dev.uniplane.provider.ebpf.internal.program;

/** {@code UP_VERDICT_*}: what a policy LPM entry decides. */
public enum Verdict {
    /** An ALLOW rule decided. */
    ALLOW(1),
    /** A DENY rule decided (POLICY_DENIED). */
    DENY(2),
    /** Isolated and no rule matched (POLICY_DEFAULT_DENY). */
    DEFAULT_DENY(3),
    /** Not isolated and no rule matched. */
    DEFAULT_ALLOW(4);

    private final int code;

    Verdict(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public boolean allows() {
        return this == ALLOW || this == DEFAULT_ALLOW;
    }

    public static Verdict of(int code) {
        for (Verdict v : values()) {
            if (v.code == code) {
                return v;
            }
        }
        throw new IllegalArgumentException("verdict " + code);
    }
}
