package dev.uniplane.linux;

/** IFLA_VF_LINK_STATE values: follow the PF (AUTO = 0), forced up (ENABLE = 1), forced down (DISABLE = 2). */
public enum VfLinkState {
    AUTO, ENABLE, DISABLE;

    public int code() {
        return ordinal();
    }

    /** Decodes the kernel value; unknown values map to {@code null}. */
    public static VfLinkState of(int code) {
        return code >= 0 && code < values().length ? values()[code] : null;
    }
}
