package dev.uniplane.api;

import java.time.Duration;

/**
 * Idle timeouts of tracked flows (stateful policy). Defaults: TCP established 6 h, other TCP 60 s, UDP and ICMP 60 s.
 * SCTP and other protocols use the UDP timeout.
 *
 * @param tcpEstablished idle timeout of an established TCP flow
 * @param tcpOther       idle timeout of a TCP flow being opened or closed
 * @param udp            idle timeout of UDP, SCTP and other flows
 * @param icmp           idle timeout of ICMP echo flows
 */
public record FlowTimeouts(Duration tcpEstablished, Duration tcpOther, Duration udp, Duration icmp) {

    public static final FlowTimeouts DEFAULT =
            new FlowTimeouts(Duration.ofHours(6), Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(60));

    public FlowTimeouts {
        positive("tcpEstablished", tcpEstablished);
        positive("tcpOther", tcpOther);
        positive("udp", udp);
        positive("icmp", icmp);
    }

    private static void positive(String field, Duration d) {
        Check.notNull(field, d);
        if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
            throw new InvalidSpecException(field, d, "must be between 1 ns and 7 days");
        }
    }
}
