package dev.uniplane.api;

/** Address family. */
public enum IpFamily {
    IPV4(32),
    IPV6(128);

    private final int bits;

    IpFamily(int bits) {
        this.bits = bits;
    }

    /** Address width in bits (32 or 128). */
    public int bits() {
        return bits;
    }

    /** Address width in bytes (4 or 16). */
    public int bytes() {
        return bits / 8;
    }
}
