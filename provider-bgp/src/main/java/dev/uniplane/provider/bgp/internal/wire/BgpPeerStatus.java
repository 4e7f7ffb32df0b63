package dev.uniplane.provider.bgp.internal.wire;

import dev.uniplane.api.IpFamily;
import dev.uniplane.linux.TcpConnection;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A neighbor's session as {@code ListPeer} or a peer event reports it: state, AS, router id, the hold time negotiated
 * in OPEN (zero while the session is down), prefix counts per family, since when the session is established
 * (empty while it is not), and the session's TCP connection as gobgpd sees it (empty while it is not established or
 * when gobgpd does not say).
 */
public record BgpPeerStatus(String address, long asn, SessionState state, String routerId, Duration negotiatedHoldTime,
                            Map<IpFamily, PrefixCounts> prefixes, java.util.Optional<java.time.Instant> establishedSince,
                            java.util.Optional<TcpConnection> connection) {
    public BgpPeerStatus {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(routerId, "routerId");
        Objects.requireNonNull(negotiatedHoldTime, "negotiatedHoldTime");
        prefixes = Map.copyOf(prefixes);
        Objects.requireNonNull(establishedSince, "establishedSince");
        Objects.requireNonNull(connection, "connection");
    }

    /** A neighbor whose session was seen to end some other way than through gobgpd (its TCP connection closed). */
    public static BgpPeerStatus lost(String address) {
        return new BgpPeerStatus(address, 0, SessionState.IDLE, "", Duration.ZERO, Map.of(), java.util.Optional.empty(),
                java.util.Optional.empty());
    }

    /** The BGP finite-state machine states (RFC 4271 section 8). */
    public enum SessionState { UNKNOWN, IDLE, CONNECT, ACTIVE, OPENSENT, OPENCONFIRM, ESTABLISHED }

    /** Paths received from, accepted from and advertised to the peer in one family. */
    public record PrefixCounts(long received, long accepted, long advertised) {
    }

    /** True once the session is up. */
    public boolean established() {
        return state == SessionState.ESTABLISHED;
    }
}
