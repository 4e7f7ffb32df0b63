package dev.uniplane.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Change;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Plan;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SEMANTICS "Plan and capabilities": exact diffs, apply (its order included), stale plans, rollback. */
public abstract class PlanApplyVerification extends DataplaneVerification {

    @Test
    public void required_S5_plan_planIsTheExactDiffAndTouchesNothing() {
        Workload a = newWorkload("pa-a1", "app", "web");
        Workload b = newWorkload("pa-a2", "app", "db");
        boolean policy = dataplane().capabilities().has(dev.uniplane.api.Capability.POLICY);
        DesiredState desired = DesiredState.empty().withEndpoints(List.of(a.spec(), b.spec()))
                .withPolicies(policy ? PolicySet.of(Policy.builder("db").selectLabels("app", "db").ingress().build()) : PolicySet.empty());
        Plan plan = dataplane().plan(desired);
        assertThat(plan.endpoints()).containsExactly(new Change.Add<>(a.spec()), new Change.Add<>(b.spec()));
        assertThat(plan.policies()).hasSize(policy ? 1 : 0);
        assertThat(dataplane().endpoints()).as("plan() changes nothing").isEmpty();
        dataplane().apply(plan);
        assertThat(dataplane().currentState()).isEqualTo(desired);
        assertThat(dataplane().plan(desired).isEmpty()).isTrue();
    }

    @Test
    public void required_S5_apply_applyBringsUpWorkingEndpointsAndPolicy() {
        requireCapability(dev.uniplane.api.Capability.POLICY);
        Workload a = newWorkload("pa-b1", "app", "web");
        Workload b = newWorkload("pa-b2", "app", "db");
        dataplane().apply(dataplane().plan(DesiredState.empty().withEndpoints(List.of(a.spec(), b.spec()))
                .withPolicies(PolicySet.of(Policy.builder("db").selectLabels("app", "db").ingress().build()))));
        try (EchoServer sa = Traffic.serve(a, 7500); EchoServer sb = Traffic.serve(b, 7500)) {
            assertThat(Traffic.tcp(b, a.ipv4(), 7500).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.tcp(a, b.ipv4(), 7500).outcome()).isEqualTo(Outcome.TIMED_OUT);
        }
    }

    @Test
    public void required_S5_apply_aPlanMadeAgainstAnotherStateIsRefused() {
        Workload a = newWorkload("pa-c1");
        Plan stale = dataplane().plan(DesiredState.empty().withEndpoints(List.of(a.spec())));
        attachWorkload("pa-c2");
        assertThatThrownBy(() -> dataplane().apply(stale)).isInstanceOf(ConflictException.class);
    }

    @Test
    public void required_S5_apply_aFailingApplyLeavesTheStateAsItWas() {
        Workload a = attachWorkload("pa-d1");
        DesiredState before = dataplane().currentState();
        Workload b = newWorkload("pa-d2");
        AttachSpec broken = AttachSpec.builder("pa-d3").netns("/run/netns/" + topology().prefix() + "-does-not-exist")
                .address("10.100.250.250").build();
        Plan plan = dataplane().plan(before.withEndpoints(List.of(a.spec(), b.spec(), broken))
                .withRoutes(List.of(Route.of("10.98.0.0/16", NextHop.endpoint("pa-d2")))));
        assertThatThrownBy(() -> dataplane().apply(plan)).isInstanceOf(DataplaneException.class);
        assertThat(dataplane().currentState()).isEqualTo(before);
        assertThat(dataplane().endpoint(b.spec().id())).isEmpty();
    }

    @Test
    public void required_S5_apply_aPlanMovesAnAddressFromARemoteToANewEndpoint() {
        requireCapability(dev.uniplane.api.Capability.REMOTE_ENDPOINTS);
        Workload a = attachWorkload("pa-e1", "app", "web");
        Workload b = attachWorkload("pa-e2", "app", "web");
        Workload arriving = newWorkload("pa-e3", "app", "db");
        RemoteEndpoint remote = RemoteEndpoint.of("pa-e-r1", arriving.ipv4().toString(), "app", "db");
        dataplane().registerRemote(remote);
        DesiredState migrated = dataplane().currentState().withRemotes(List.of())
                .withEndpoints(List.of(a.spec(), b.spec(), arriving.spec()));
        Plan plan = dataplane().plan(migrated);
        assertThat(plan.remotes()).containsExactly(new Change.Remove<>(remote));
        assertThat(plan.endpoints()).containsExactly(new Change.Add<>(arriving.spec()));
        try (EchoServer sa = Traffic.serve(a, 7500)) {
            assertThat(Traffic.tcp(b, a.ipv4(), 7500).outcome()).isEqualTo(Outcome.DELIVERED);
            dataplane().apply(plan);
            assertThat(dataplane().currentState()).isEqualTo(migrated);
            assertThat(Traffic.tcp(b, a.ipv4(), 7500).outcome()).as("traffic between the others is unaffected").isEqualTo(Outcome.DELIVERED);
            try (EchoServer sr = Traffic.serve(arriving, 7500)) {
                assertThat(Traffic.tcp(b, arriving.ipv4(), 7500).outcome()).as("the address now reaches the local endpoint")
                        .isEqualTo(Outcome.DELIVERED);
            }
        }
    }

    /**
     * A workload moves: its address goes to a new endpoint and the route that pointed at the old one points at the new
     * one, in one plan. The address must be freed before it is taken, so the route leaves the old endpoint first.
     */
    @Test
    public void required_S5_apply_aPlanMovesAnAddressAndTheRouteToItsEndpointOntoANewEndpoint() {
        requireCapability(dev.uniplane.api.Capability.ROUTE_TO_ENDPOINT);
        Workload leaving = attachWorkload("pa-m1", "app", "web");
        Workload client = attachWorkload("pa-m2", "app", "web");
        Workload fresh = newWorkload("pa-m3", "app", "web");
        AttachSpec.Builder takeover = AttachSpec.builder("pa-m3").netns(fresh.spec().netns()).labels(fresh.spec().labels())
                .kinds(fresh.spec().kinds().toArray(dev.uniplane.api.AttachKind[]::new));
        leaving.spec().addresses().forEach(takeover::address);
        Workload arriving = new Workload(fresh.name(), fresh.netns(), takeover.build());
        dataplane().updateRoutes(List.of(Route.of("198.51.100.0/24", NextHop.endpoint("pa-m1"))), List.of());
        DesiredState migrated = dataplane().currentState().withEndpoints(List.of(client.spec(), arriving.spec()))
                .withRoutes(List.of(Route.of("198.51.100.0/24", NextHop.endpoint("pa-m3"))));

        dataplane().apply(dataplane().plan(migrated));

        assertThat(dataplane().currentState()).isEqualTo(migrated);
        try (EchoServer s = Traffic.serve(arriving, 7501)) {
            assertThat(Traffic.tcp(client, leaving.ipv4(), 7501).outcome()).as("the address now reaches the new endpoint")
                    .isEqualTo(Outcome.DELIVERED);
        }
    }
}
