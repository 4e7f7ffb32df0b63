package dev.uniplane.provider.bgp.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.provider.bgp.internal.wire.apipb.Family;
import dev.uniplane.provider.bgp.internal.wire.apipb.MpReachNLRIAttribute;
import dev.uniplane.provider.bgp.internal.wire.apipb.NextHopAttribute;
import dev.uniplane.provider.bgp.internal.wire.apipb.Path;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathCodecTest {
    @Test
    void ipv4CarriesItsNextHopInNextHopAttributeAndRoundTrips() {
        BgpRoute route = BgpRoute.announce(IpPrefix.parse("10.1.0.0/16"), IpAddress.parse("192.0.2.1"),
                List.of(BgpRoute.community(65001, 100), BgpRoute.community(65535, 65281)));

        Path path = PathCodec.encode(route);

        assertThat(path.getFamily().getAfi()).isEqualTo(Family.Afi.AFI_IP);
        assertThat(path.getPattrsList()).anyMatch(a -> a.is(NextHopAttribute.class));
        assertThat(path.getNlri().getTypeUrl()).isEqualTo("type.googleapis.com/apipb.IPAddressPrefix");
        assertThat(PathCodec.decode(path)).contains(route);
        assertThat(route.communities()).containsExactly(0xFDE9_0064L, 0xFFFF_FF01L);
    }

    @Test
    void ipv6CarriesItsNextHopInMpReachNlriAndRoundTrips() {
        BgpRoute route = BgpRoute.announce(IpPrefix.parse("2001:db8::/32"), IpAddress.parse("fd00::1"), List.of());

        Path path = PathCodec.encode(route);

        assertThat(path.getFamily().getAfi()).isEqualTo(Family.Afi.AFI_IP6);
        assertThat(path.getPattrsList()).anyMatch(a -> a.is(MpReachNLRIAttribute.class))
                .noneMatch(a -> a.is(NextHopAttribute.class));
        assertThat(PathCodec.decode(path)).contains(route);
    }

    @Test
    void aNextHopOfTheOtherFamilyIsRefused() {
        assertThatThrownBy(() -> PathCodec.encode(BgpRoute.announce(IpPrefix.parse("10.0.0.0/8"), IpAddress.parse("fd00::1"),
                List.of()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fd00::1");
    }

    @Test
    void aPathWithoutUnicastNlriDecodesToEmpty() {
        assertThat(PathCodec.decode(Path.getDefaultInstance())).isEmpty();
    }

    @Test
    void grpcStatusCodeNameIsTheErrorCode() {
        GobgpException e = GobgpException.of("AddPeer 10.0.0.1", Status.ALREADY_EXISTS.withDescription("peer exists").asRuntimeException());

        assertThat(e.errorCode()).isEqualTo("ALREADY_EXISTS");
        assertThat(e.operation()).isEqualTo("AddPeer 10.0.0.1");
        assertThat(e).hasMessageContaining("peer exists");
        assertThat(GobgpException.of("x", new IllegalStateException("boom")).errorCode()).isEqualTo("UNKNOWN");
    }
}
