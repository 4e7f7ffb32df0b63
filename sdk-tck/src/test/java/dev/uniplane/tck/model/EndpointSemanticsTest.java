package dev.uniplane.tck.model;

import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.NotFoundException;
import org.junit.jupiter.api.Test;

import static dev.uniplane.tck.model.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SEMANTICS "Endpoints (attach)" as far as the model sees them (ids, specs, what detach removes). */
class EndpointSemanticsTest {
    private final Fixture f = new Fixture();

    @Test
    void attachSameSpecTwiceIsIdempotent() {
        long generation = f.model.generation();
        f.model.attach(ModelTopology.endpoint("ep-a", A, "app", "web", "tier", "front", "env", "prod"));
        assertThat(f.model.endpoints()).hasSize(3);
        assertThat(f.model.generation()).isEqualTo(generation);
    }

    @Test
    void attachOtherSpecUnderSameIdConflicts() {
        assertThatThrownBy(() -> f.model.attach(ModelTopology.endpoint("ep-a", A, "app", "other")))
                .isInstanceOf(ConflictException.class);
    }

    @Test
    void attachAddressOfAnotherEndpointConflicts() {
        assertThatThrownBy(() -> f.model.attach(ModelTopology.endpoint("ep-d", A))).isInstanceOf(ConflictException.class);
    }

    @Test
    void detachUnknownIsNotFound() {
        assertThatThrownBy(() -> f.model.detach(dev.uniplane.api.EndpointId.of("nope"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void detachRemovesFlowsHostRouteAndCounters() {
        assertDelivered(f.send(syn(FROM_A, A, B, 80)));
        assertThat(f.model.flows()).hasSize(1);

        f.model.detach(EP_B);

        assertThat(f.model.flows()).isEmpty();
        assertThat(f.model.stats().endpoints()).doesNotContainKey(EP_B);
        // 10.0.0.2 is no longer a host route: it falls to the default route.
        assertThat(f.send(syn(FROM_A, A, B, 80)).route().orElseThrow()).isInstanceOf(RouteDecision.ViaGateway.class);
    }

    @Test
    void reattachStartsCountersFromZero() {
        f.send(syn(FROM_A, A, B, 80));
        var spec = f.model.endpoints().stream().filter(e -> e.id().equals(EP_B)).findFirst().orElseThrow();
        f.model.detach(EP_B);
        f.model.attach(spec);
        assertThat(f.model.stats().endpoint(EP_B).rxPackets()).isZero();
    }

    @Test
    void packetFromUnattachedEndpointIsRejected() {
        assertThatThrownBy(() -> f.send(syn(Origin.endpoint("ghost"), "10.0.0.9", B, 80)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void spoofedSourceIsDroppedAsInvalidAtTheSender() {
        // ep-c sending with A's address: anti-spoofing drops it before policy or routing, counted at ep-c.
        assertDropped(f.send(syn(FROM_C, A, B, 80)), DropReason.INVALID);
        assertThat(f.model.stats().endpoint(EP_C).drops(DropReason.INVALID)).isEqualTo(1);
        assertThat(f.model.stats().endpoint(EP_B).rxPackets()).isZero();
    }

    @Test
    void anEndpointMaySendFromPrefixesRoutedToIt() {
        f.model.addRoute(dev.uniplane.api.Route.of("10.99.0.0/24", dev.uniplane.api.NextHop.endpoint("ep-c")));
        assertThat(f.send(syn(FROM_C, "10.99.0.1", B, 80)).delivered()).isTrue();
        assertDropped(f.send(syn(FROM_A, "10.99.0.1", B, 80)), DropReason.INVALID);
    }
}
