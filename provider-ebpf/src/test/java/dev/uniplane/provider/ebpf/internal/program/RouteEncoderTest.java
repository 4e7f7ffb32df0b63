package dev.uniplane.provider.ebpf.internal.program;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;

class RouteEncoderTest {
    private static final RouteEncoder.LocalHop WEB = new RouteEncoder.LocalHop(4, 44, MacAddress.parse("02:00:00:00:00:04"),
            MacAddress.parse("02:00:00:00:01:04"));

    @Test
    void ecmpWithGatewaysAndEndpointsKeepsWeights() {
        Route r = Route.of("10.96.0.0/16", NextHop.gateway("192.0.2.1", 3), NextHop.endpoint("web", 2));
        NextHopGroup g = RouteEncoder.group(r, 2, id -> id.equals(EndpointId.of("web")) ? Optional.of(WEB) : Optional.empty());
        assertThat(g.hops()).containsExactly(NextHopEntry.gateway(IpAddress.parse("192.0.2.1"), 3, 2),
                NextHopEntry.endpoint(4, 44, WEB.mac(), WEB.hostMac(), 2));
        assertThat(g.totalWeight()).isEqualTo(5);
        assertThat(RouteEncoder.group(Route.of("0.0.0.0/0", NextHop.drop()), 2, id -> Optional.empty()).hops())
                .containsExactly(NextHopEntry.drop());
    }

    @Test
    void unknownEndpointIsNamed() {
        assertThatThrownBy(() -> RouteEncoder.group(Route.of("10.0.0.0/8", NextHop.endpoint("ghost")), 2, id -> Optional.empty()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("nextHops[0].endpoint").hasMessageContaining("ghost");
    }
}
