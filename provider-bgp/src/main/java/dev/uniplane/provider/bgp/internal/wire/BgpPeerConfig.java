package dev.uniplane.provider.bgp.internal.wire;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One neighbor as {@code AddPeer} gets it: address and AS, eBGP multihop TTL (0: directly connected), the TCP-MD5
 * password (RFC 2385), passive (wait for the peer to connect), route-reflector client, the unicast families to
 * negotiate (IPv6 over an IPv4 session and vice versa is MP-BGP), graceful restart with its restart time, and an
 * optional remote port (0: 179).
 */
public record BgpPeerConfig(IpAddress address, long asn, int multihopTtl, Optional<String> md5Password, boolean passive,
                            boolean routeReflectorClient, Set<IpFamily> families, Optional<Duration> gracefulRestart,
                            int remotePort) {
    public BgpPeerConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(md5Password, "md5Password");
        Objects.requireNonNull(gracefulRestart, "gracefulRestart");
        families = families.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(families));
        if (asn < 1 || asn > 0xffff_ffffL) {
            throw new IllegalArgumentException("peer asn " + asn + " is not in 1..4294967295");
        }
        if (multihopTtl < 0 || multihopTtl > 255) {
            throw new IllegalArgumentException("multihopTtl " + multihopTtl + " is not in 0..255");
        }
        if (families.isEmpty()) {
            throw new IllegalArgumentException("peer " + address + " has no address family");
        }
        // Linux caps TCP_MD5SIG keys at 80 bytes (TCP_MD5SIG_MAXKEYLEN).
        if (md5Password.filter(p -> p.isEmpty() || p.length() > 80).isPresent()) {
            throw new IllegalArgumentException("md5Password must be 1..80 characters");
        }
        if (remotePort < 0 || remotePort > 65535) {
            throw new IllegalArgumentException("remotePort " + remotePort + " is not in 0..65535");
        }
    }

    /** An active, directly connected peer for IPv4 and IPv6 unicast, without MD5 or graceful restart. */
    public static BgpPeerConfig of(IpAddress address, long asn) {
        return new BgpPeerConfig(address, asn, 0, Optional.empty(), false, false, EnumSet.allOf(IpFamily.class),
                Optional.empty(), 0);
    }

    /** The same with a TCP-MD5 password. */
    public BgpPeerConfig withMd5(String password) {
        return new BgpPeerConfig(address, asn, multihopTtl, Optional.of(password), passive, routeReflectorClient, families,
                gracefulRestart, remotePort);
    }

    /** The same, passive or not. */
    public BgpPeerConfig withPassive(boolean on) {
        return new BgpPeerConfig(address, asn, multihopTtl, md5Password, on, routeReflectorClient, families,
                gracefulRestart, remotePort);
    }

    /** The same with eBGP multihop at {@code ttl} (0: off). */
    public BgpPeerConfig withMultihop(int ttl) {
        return new BgpPeerConfig(address, asn, ttl, md5Password, passive, routeReflectorClient, families, gracefulRestart,
                remotePort);
    }

    /** The same as a route-reflector client or not. */
    public BgpPeerConfig withRouteReflectorClient(boolean on) {
        return new BgpPeerConfig(address, asn, multihopTtl, md5Password, passive, on, families, gracefulRestart,
                remotePort);
    }

    /** The same with graceful restart towards this peer. */
    public BgpPeerConfig withGracefulRestart(Duration restartTime) {
        return new BgpPeerConfig(address, asn, multihopTtl, md5Password, passive, routeReflectorClient, families,
                Optional.of(restartTime), remotePort);
    }

    /** The same, negotiating only {@code only}. */
    public BgpPeerConfig withFamilies(Set<IpFamily> only) {
        return new BgpPeerConfig(address, asn, multihopTtl, md5Password, passive, routeReflectorClient, only,
                gracefulRestart, remotePort);
    }

    /** The same, connecting to {@code port} instead of 179. */
    public BgpPeerConfig withRemotePort(int port) {
        return new BgpPeerConfig(address, asn, multihopTtl, md5Password, passive, routeReflectorClient, families,
                gracefulRestart, port);
    }
}
