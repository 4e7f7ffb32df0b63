package dev.uniplane.provider.bgp.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.IpAddress;
import dev.uniplane.linux.TcpConnection;
import dev.uniplane.provider.bgp.internal.wire.apipb.Peer;
import dev.uniplane.provider.bgp.internal.wire.apipb.PeerState;
import dev.uniplane.provider.bgp.internal.wire.apipb.Transport;
import org.junit.jupiter.api.Test;

/** {@link GobgpClient#peerStatus}: the session's TCP connection as gobgpd's peer messages name it. */
class PeerStatusTest {
    private static Peer peer(String neighbor, PeerState.SessionState state, String localAddress) {
        return Peer.newBuilder()
                .setState(PeerState.newBuilder().setNeighborAddress(neighbor).setSessionState(state))
                .setTransport(Transport.newBuilder().setLocalAddress(localAddress).setLocalPort(179).setRemotePort(40000))
                .build();
    }

    @Test
    void anEstablishedSessionNamesItsConnection() {
        BgpPeerStatus s = GobgpClient.peerStatus(peer("10.0.0.2", PeerState.SessionState.ESTABLISHED, "10.0.0.1"));
        assertThat(s.connection()).contains(new TcpConnection(IpAddress.parse("10.0.0.1"), 179, IpAddress.parse("10.0.0.2"), 40000));
    }

    @Test
    void aSessionThatIsNotEstablishedNamesNone() {
        assertThat(GobgpClient.peerStatus(peer("10.0.0.2", PeerState.SessionState.ACTIVE, "10.0.0.1")).connection()).isEmpty();
    }

    @Test
    void aZonedLinkLocalAddressNamesNoneInsteadOfFailing() {
        BgpPeerStatus s = GobgpClient.peerStatus(peer("fe80::2%eth0", PeerState.SessionState.ESTABLISHED, "fe80::1%eth0"));
        assertThat(s.address()).isEqualTo("fe80::2%eth0");
        assertThat(s.connection()).isEmpty();
    }
}
