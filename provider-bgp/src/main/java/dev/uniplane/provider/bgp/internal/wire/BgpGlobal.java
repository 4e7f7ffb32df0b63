package dev.uniplane.provider.bgp.internal.wire;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code StartBgp} gets: local AS, router id (an IPv4 address), the BGP listen port (-1: do not listen, only
 * connect out), the addresses to listen on (empty: all), ECMP multipath, and graceful restart with its restart time.
 */
public record BgpGlobal(long asn, IpAddress routerId, int listenPort, List<IpAddress> listenAddresses, boolean multipath,
                        Optional<Duration> gracefulRestart) {
    public BgpGlobal {
        Objects.requireNonNull(routerId, "routerId");
        listenAddresses = List.copyOf(listenAddresses);
        Objects.requireNonNull(gracefulRestart, "gracefulRestart");
        if (asn < 1 || asn > 0xffff_ffffL) {
            throw new IllegalArgumentException("asn " + asn + " is not in 1..4294967295");
        }
        if (routerId.family() != IpFamily.IPV4) {
            throw new IllegalArgumentException("routerId " + routerId + " is not an IPv4 address");
        }
        if (listenPort < -1 || listenPort > 65535) {
            throw new IllegalArgumentException("listenPort " + listenPort + " is not in -1..65535");
        }
    }

    /** Listen on {@code listenPort} on all addresses, no multipath, no graceful restart. */
    public static BgpGlobal of(long asn, IpAddress routerId, int listenPort) {
        return new BgpGlobal(asn, routerId, listenPort, List.of(), false, Optional.empty());
    }

    /** The same with graceful restart (RFC 4724) advertising {@code restartTime}. */
    public BgpGlobal withGracefulRestart(Duration restartTime) {
        return new BgpGlobal(asn, routerId, listenPort, listenAddresses, multipath, Optional.of(restartTime));
    }

    /** The same with ECMP multipath on or off. */
    public BgpGlobal withMultipath(boolean on) {
        return new BgpGlobal(asn, routerId, listenPort, listenAddresses, on, gracefulRestart);
    }
}
