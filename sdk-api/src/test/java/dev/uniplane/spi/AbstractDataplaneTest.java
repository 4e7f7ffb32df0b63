package dev.uniplane.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.api.UnsupportedCapabilityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The shared control logic, against a recording in-memory backend (no packets: this is not a provider). */
class AbstractDataplaneTest {

    static final class RecordingDataplane extends AbstractDataplane {
        final List<String> calls = new ArrayList<>();
        String failOn;
        final AtomicLong rx = new AtomicLong();

        RecordingDataplane(Capabilities caps, String uplink) {
            super("recording", DataplaneConfig.builder().uplink(uplink).build(), caps);
        }

        private void record(String call) {
            if (failOn != null && call.startsWith(failOn)) {
                throw new BackendException(call, "EIO", "injected");
            }
            calls.add(call);
        }

        @Override
        protected Endpoint backendAttach(AttachSpec spec, AttachKind kind) {
            record("attach " + spec.id() + " " + kind);
            return new Endpoint(spec, kind, "h-" + spec.id(), MacAddress.parse("02:00:00:00:00:01"), MacAddress.parse("02:00:00:00:00:02"));
        }

        @Override
        protected void backendDetach(Endpoint endpoint) {
            record("detach " + endpoint.id());
        }

        @Override
        protected void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
            record("routes +" + upserts.stream().map(Route::prefix).toList() + " -" + removals + " =" + all.size());
        }

        @Override
        protected void backendApplyPolicies(PolicySet policies) {
            record("policies " + policies.policies().size());
        }

        @Override
        protected void backendSetRemotes(List<RemoteEndpoint> remotes) {
            record("remotes " + remotes.size());
        }

        @Override
        protected StatsSnapshot backendStats() {
            EndpointId id = EndpointId.of("a");
            return new StatsSnapshot(Instant.now(), Map.of(id, new EndpointStats(id, rx.addAndGet(2), 0, 0, 0, Map.of())), Map.of());
        }

        @Override
        protected void backendClose() {
            calls.add("close");
        }

        @Override
        protected void backendDestroy() {
            calls.add("destroy");
        }
    }

    private static final Capabilities ALL = new Capabilities(java.util.EnumSet.allOf(Capability.class));
    private final AttachSpec a = AttachSpec.builder("a").netns("/run/netns/a").address("10.0.0.2").build();
    private final AttachSpec b = AttachSpec.builder("b").netns("/run/netns/b").address("10.0.0.3").build();

    @Test
    void attachIsIdempotentAndConflictsOnAnotherSpec() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        Endpoint first = dp.attach(a);
        assertThat(dp.attach(a)).isEqualTo(first);
        assertThat(dp.calls).containsExactly("attach a VETH");
        AttachSpec other = AttachSpec.builder("a").netns("/run/netns/a").address("10.0.0.9").build();
        assertThatThrownBy(() -> dp.attach(other)).isInstanceOf(ConflictException.class).hasMessageContaining("another spec");
        AttachSpec sameAddress = AttachSpec.builder("c").netns("/run/netns/c").address("10.0.0.2").build();
        assertThatThrownBy(() -> dp.attach(sameAddress)).isInstanceOf(ConflictException.class)
                .hasMessageContaining("10.0.0.2 of endpoint c already belongs to endpoint a");
    }

    @Test
    void attachUsesTheFirstSupportedKind() {
        RecordingDataplane dp = new RecordingDataplane(Capabilities.of(Capability.ATTACH_VETH, Capability.IPV4), null);
        AttachSpec prefersMemif = AttachSpec.builder("m").netns("/run/netns/m").address("10.0.0.5")
                .kinds(AttachKind.MEMIF, AttachKind.VETH).build();
        assertThat(dp.attach(prefersMemif).kind()).isEqualTo(AttachKind.VETH);
        AttachSpec vfOnly = AttachSpec.builder("v").netns("/run/netns/v").address("10.0.0.6").kinds(AttachKind.VF).build();
        assertThatThrownBy(() -> dp.attach(vfOnly)).isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessage("provider recording does not support ATTACH_VF");
        AttachSpec v6 = AttachSpec.builder("six").netns("/run/netns/s").address("2001:db8::5").build();
        assertThatThrownBy(() -> dp.attach(v6)).hasMessageContaining("IPV6");
    }

    @Test
    void routesAreCheckedAgainstEndpointsAndCapabilities() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        assertThatThrownBy(() -> dp.addRoute(Route.of("10.9.0.0/16", NextHop.endpoint("fw"))))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("endpoint fw, which is not attached");
        assertThatThrownBy(() -> dp.addRoute(Route.of("10.9.0.0/16", NextHop.gateway("10.0.0.1"))))
                .hasMessageContaining("no uplink");
        RecordingDataplane noEcmp = new RecordingDataplane(Capabilities.of(Capability.IPV4, Capability.ATTACH_VETH), "up0");
        assertThatThrownBy(() -> noEcmp.addRoute(Route.of("0.0.0.0/0", NextHop.gateway("10.0.0.1"), NextHop.gateway("10.0.0.254"))))
                .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("ECMP");
        assertThat(noEcmp.calls).isEmpty();
    }

    @Test
    void routeVerbsFollowTheContract() {
        RecordingDataplane dp = new RecordingDataplane(ALL, "up0");
        Route r = Route.of("10.9.0.0/16", NextHop.gateway("10.0.0.1"));
        dp.addRoute(r);
        dp.addRoute(r);
        assertThat(dp.calls).containsExactly("routes +[10.9.0.0/16] -[] =1");
        assertThatThrownBy(() -> dp.addRoute(Route.of("10.9.0.0/16", NextHop.drop()))).isInstanceOf(ConflictException.class);
        dp.replaceRoute(Route.of("10.9.0.0/16", NextHop.drop()));
        assertThat(dp.routes()).containsExactly(Route.of("10.9.0.0/16", NextHop.drop()));
        assertThatThrownBy(() -> dp.removeRoute(IpPrefix.parse("10.10.0.0/16"))).isInstanceOf(NotFoundException.class);
        dp.removeRoute(IpPrefix.parse("10.9.0.0/16"));
        assertThat(dp.routes()).isEmpty();
    }

    @Test
    void aFailedBackendCallChangesNothing() {
        RecordingDataplane dp = new RecordingDataplane(ALL, "up0");
        dp.addRoute(Route.of("10.1.0.0/16", NextHop.gateway("10.0.0.1")));
        dp.failOn = "routes";
        assertThatThrownBy(() -> dp.updateRoutes(List.of(Route.of("10.2.0.0/16", NextHop.drop())), List.of(IpPrefix.parse("10.1.0.0/16"))))
                .isInstanceOf(BackendException.class);
        assertThat(dp.routes()).extracting(Route::prefix).containsExactly(IpPrefix.parse("10.1.0.0/16"));
        dp.failOn = "policies";
        Policy p = Policy.builder("p").ingress(Rule.allowAll()).build();
        assertThatThrownBy(() -> dp.applyPolicies(PolicySet.of(p))).isInstanceOf(BackendException.class);
        assertThat(dp.policies()).isEqualTo(PolicySet.empty());
    }

    @Test
    void detachIsBlockedWhileARouteUsesTheEndpoint() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        dp.attach(a);
        dp.addRoute(Route.of("10.8.0.0/16", NextHop.endpoint("a")));
        assertThatThrownBy(() -> dp.detach(EndpointId.of("a"))).isInstanceOf(ConflictException.class)
                .hasMessageContaining("next hop of route 10.8.0.0/16");
        dp.removeRoute(IpPrefix.parse("10.8.0.0/16"));
        dp.detach(EndpointId.of("a"));
        assertThatThrownBy(() -> dp.detach(EndpointId.of("a"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void undeclaredPolicyFeaturesAreRejectedBeforeAnythingChanges() {
        RecordingDataplane dp = new RecordingDataplane(Capabilities.of(Capability.IPV4, Capability.POLICY), null);
        Policy withExcept = Policy.builder("p").ingress(Rule.allow(List.of(Peer.cidr("10.0.0.0/8", "10.1.0.0/16")), List.of())).build();
        assertThatThrownBy(() -> dp.applyPolicies(PolicySet.of(withExcept))).hasMessageContaining("POLICY_CIDR_EXCEPT");
        Policy withRange = Policy.builder("p").ingress(Rule.allow(List.of(), List.of(PortMatch.of(dev.uniplane.api.Protocol.TCP, 80, 90)))).build();
        assertThatThrownBy(() -> dp.applyPolicies(PolicySet.of(withRange))).hasMessageContaining("POLICY_PORT_RANGES");
        assertThat(dp.calls).isEmpty();
    }

    @Test
    void applyRollsBackCompletedStepsWhenOneFails() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        dp.attach(a);
        DesiredState desired = dp.currentState()
                .withEndpoints(List.of(a, b))
                .withRoutes(List.of(Route.of("10.8.0.0/16", NextHop.endpoint("b"))))
                .withPolicies(PolicySet.of(Policy.builder("p").ingress().build()));
        var plan = dp.plan(desired);
        assertThat(plan.size()).isEqualTo(3);
        dp.failOn = "policies";
        assertThatThrownBy(() -> dp.apply(plan)).isInstanceOf(BackendException.class);
        assertThat(dp.currentState()).isEqualTo(plan.from());
        assertThat(dp.calls).containsExactly("attach a VETH", "attach b VETH", "routes +[10.8.0.0/16] -[] =1",
                "routes +[] -[10.8.0.0/16] =0", "detach b");
        dp.failOn = null;
        dp.apply(plan);
        assertThat(dp.currentState()).isEqualTo(desired);
        assertThatThrownBy(() -> dp.apply(plan)).isInstanceOf(ConflictException.class).hasMessageContaining("another state");
    }

    @Test
    void applyMovesAnAddressFromARemoteToANewEndpointAndBetweenEndpoints() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        dp.attach(a);
        dp.registerRemote(RemoteEndpoint.of("r1", "10.77.9.9", "app", "web"));
        dp.calls.clear();
        AttachSpec w9 = AttachSpec.builder("w9").netns("/run/netns/w9").address("10.77.9.9").build();
        AttachSpec takesA = AttachSpec.builder("c").netns("/run/netns/c").address("10.0.0.2").build();
        DesiredState migrated = DesiredState.empty().withEndpoints(List.of(w9, takesA));
        dp.apply(dp.plan(migrated));
        assertThat(dp.currentState()).isEqualTo(migrated);
        assertThat(dp.calls).as("removals that free an address run before the adds that take it")
                .containsExactly("remotes 0", "detach a", "attach w9 VETH", "attach c VETH");
    }

    @Test
    void applyMovesAnAddressAndTheRoutesOfItsEndpointToANewEndpointInOnePlan() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        dp.attach(a);
        dp.attach(b);
        dp.updateRoutes(List.of(Route.of("10.8.0.0/16", NextHop.endpoint("a"))), List.of());
        DesiredState before = dp.currentState();
        dp.calls.clear();
        AttachSpec takesA = AttachSpec.builder("c").netns("/run/netns/c").address("10.0.0.2").build();
        DesiredState migrated = DesiredState.empty().withEndpoints(List.of(b, takesA))
                .withRoutes(List.of(Route.of("10.8.0.0/16", NextHop.endpoint("c"))));
        dp.apply(dp.plan(migrated));
        assertThat(dp.currentState()).isEqualTo(migrated);
        assertThat(dp.calls).as("a route leaves a before a's address can move, and comes back pointing at c")
                .containsExactly("routes +[] -[10.8.0.0/16] =0", "detach a", "attach c VETH", "routes +[10.8.0.0/16] -[] =1");

        dp.failOn = null;
        dp.apply(dp.plan(before));
        dp.calls.clear();
        dp.failOn = "attach c";
        var again = dp.plan(migrated);
        assertThatThrownBy(() -> dp.apply(again)).isInstanceOf(BackendException.class);
        assertThat(dp.currentState().routes()).as("a failed migration puts the route back on a").isEqualTo(before.routes());
        assertThat(dp.currentState().endpoints()).containsExactlyInAnyOrderElementsOf(before.endpoints());
    }

    @Test
    void applyFailingInTheMiddleOfAMigrationRollsEverythingBack() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        dp.attach(a);
        dp.attach(b);
        dp.registerRemote(RemoteEndpoint.of("r1", "10.77.9.9", "app", "web"));
        dp.updateRoutes(List.of(Route.of("10.8.0.0/16", NextHop.endpoint("b")), Route.of("10.9.0.0/16", NextHop.drop())), List.of());
        DesiredState before = dp.currentState();
        dp.calls.clear();
        AttachSpec w9 = AttachSpec.builder("w9").netns("/run/netns/w9").address("10.77.9.9").build();
        DesiredState desired = DesiredState.empty().withEndpoints(List.of(a, w9))
                .withRoutes(List.of(Route.of("10.8.0.0/16", NextHop.endpoint("w9"))))
                .withPolicies(PolicySet.of(Policy.builder("p").ingress().build()));
        var plan = dp.plan(desired);
        dp.failOn = "policies";
        assertThatThrownBy(() -> dp.apply(plan)).isInstanceOf(BackendException.class);
        assertThat(dp.currentState()).isEqualTo(before);
        assertThat(dp.calls).as("each step, then its undo in reverse; b stays until the route no longer points at it")
                .containsExactly("routes +[] -[10.9.0.0/16] =1", "remotes 0", "attach w9 VETH", "routes +[10.8.0.0/16] -[] =1",
                        "routes +[10.8.0.0/16] -[] =1", "detach w9", "remotes 1", "routes +[10.9.0.0/16] -[] =2");
        dp.failOn = null;
        dp.calls.clear();
        dp.apply(plan);
        assertThat(dp.currentState()).isEqualTo(desired);
        assertThat(dp.calls).endsWith("policies 1", "detach b");
    }

    @Test
    void watchDeliversSnapshotsAndDeltas() throws InterruptedException {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        CountDownLatch three = new CountDownLatch(3);
        List<Long> deltas = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var sub = dp.watch(Duration.ofMillis(20), (snapshot, delta) -> {
            deltas.add(delta.endpoint(EndpointId.of("a")).rxPackets());
            three.countDown();
        })) {
            assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(deltas.get(0)).isEqualTo(2);
        assertThat(deltas.subList(1, 3)).containsOnly(2L);
        dp.close();
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        dp.close();
        dp.close();
        assertThat(dp.calls).containsExactly("close");
        assertThatThrownBy(() -> dp.attach(a)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void destroyDetachesEverythingThenCloses() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        dp.attach(a);
        dp.attach(b);
        dp.destroy();
        assertThat(dp.calls).containsExactly("attach a VETH", "attach b VETH", "detach b", "detach a", "destroy", "close");
    }

    @Test
    void destroyStillDestroysTheBackendWhenADetachFails() {
        RecordingDataplane dp = new RecordingDataplane(ALL, null);
        dp.attach(a);
        dp.attach(b);
        dp.failOn = "detach b";
        assertThatThrownBy(dp::destroy).isInstanceOf(BackendException.class).hasMessageContaining("detach b");
        assertThat(dp.calls).containsExactly("attach a VETH", "attach b VETH", "detach a", "destroy", "close");
    }
}
