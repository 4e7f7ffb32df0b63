package dev.uniplane.api;

/** Layer-4 protocol of a rule's port entry. */
public enum Protocol {
    TCP(6),
    UDP(17),
    SCTP(132),
    ICMP(1),
    ICMPV6(58),
    /** TCP, UDP and SCTP when a port range is given; any protocol when it is not. */
    ANY(-1);

    private final int number;

    Protocol(int number) {
        this.number = number;
    }

    /** IANA protocol number, or -1 for {@link #ANY}. */
    public int number() {
        return number;
    }

    /** True for protocols that carry ports (TCP, UDP, SCTP). */
    public boolean hasPorts() {
        return this == TCP || this == UDP || this == SCTP;
    }

    /** The protocol with this IANA number, or {@code null} if Uniplane does not name it. */
    public static Protocol ofNumber(int number) {
        for (Protocol p : values()) {
            if (p != ANY && p.number == number) {
                return p;
            }
        }
        return null;
    }
}
