package dev.uniplane.tck.model;

import static dev.uniplane.tck.model.Fixture.A;
import static dev.uniplane.tck.model.Fixture.B;
import static dev.uniplane.tck.model.Fixture.R1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SEMANTICS "Identity": an address has one owner, local or remote, and a route cannot borrow another endpoint's identity. */
class IdentitySemanticsTest {
    private final Fixture f = new Fixture();

    @Test
    void aRemoteCannotTakeALocalOrAnotherRemotesAddress() {
        assertThatThrownBy(() -> f.model.registerRemote(RemoteEndpoint.of("r-9", A))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("belongs to endpoint ep-a");
        assertThatThrownBy(() -> f.model.registerRemote(RemoteEndpoint.of("r-9", R1))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("belongs to remote endpoint r-1");
        f.model.registerRemote(RemoteEndpoint.of("r-1", R1, "app", "changed"));
        assertThat(f.model.remotes()).hasSize(2);
    }

    @Test
    void anEndpointCannotTakeARemotesAddress() {
        AttachSpec onRemote = AttachSpec.builder("ep-r").netns("/run/netns/r").address(R1).build();
        assertThatThrownBy(() -> f.model.attach(onRemote)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("belongs to remote endpoint r-1");
    }

    @Test
    void aRouteToAnEndpointMayNotCoverAnotherEndpointsAddressExceptAsItsExactHostRoute() {
        List<Route> before = f.model.routes();
        for (String prefix : List.of("10.0.0.0/24", "0.0.0.0/0")) {
            assertThatThrownBy(() -> f.model.addRoute(Route.of(prefix, NextHop.endpoint("ep-c")))).isInstanceOf(ConflictException.class)
                    .hasMessageContaining(prefix);
            assertThatThrownBy(() -> f.model.replaceRoute(Route.of(prefix, NextHop.endpoint("ep-c")))).isInstanceOf(ConflictException.class);
        }
        assertThatThrownBy(() -> f.model.setRoutes(List.of(Route.of("10.0.0.0/30", NextHop.endpoint("ep-a")))))
                .isInstanceOf(ConflictException.class).hasMessageContaining(B);
        assertThat(f.model.routes()).isEqualTo(before);
        f.model.addRoute(Route.of(B + "/32", NextHop.endpoint("ep-c")));
        f.model.addRoute(Route.of("10.0.0.0/24", NextHop.gateway("10.255.0.9")));
        assertThat(f.model.routes()).hasSize(before.size() + 2);
    }

    @Test
    void aRouteToAnEndpointNeedsAnAddressOfItsFamily() {
        f.model.attach(AttachSpec.builder("ep-v4").netns("/run/netns/v4").address("10.0.0.9").build());
        assertThatThrownBy(() -> f.model.addRoute(Route.of("2001:db8:9::/48", NextHop.endpoint("ep-v4"))))
                .isInstanceOf(ConflictException.class).hasMessageContaining("no IPV6 address");
    }

    @Test
    void attachingInsideARouteToAnotherEndpointIsRefused() {
        f.model.addRoute(Route.of("10.99.0.0/24", NextHop.endpoint("ep-c")));
        AttachSpec inside = AttachSpec.builder("ep-d").netns("/run/netns/d").address("10.99.0.7").build();
        assertThatThrownBy(() -> f.model.attach(inside)).isInstanceOf(ConflictException.class).hasMessageContaining("10.99.0.0/24");
        assertThat(f.model.endpoints()).hasSize(3);
    }
}
