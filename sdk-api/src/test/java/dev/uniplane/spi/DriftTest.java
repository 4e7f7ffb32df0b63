package dev.uniplane.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Direction;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.spi.BackendView.Aspect;
import dev.uniplane.spi.BackendView.EndpointView;
import dev.uniplane.spi.BackendView.PolicyEntries;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DriftTest {
    private static final AttachSpec W1 = AttachSpec.builder("w1").netns("/run/netns/a").address("10.77.1.2").labels("app", "web").build();
    private static final AttachSpec W2 = AttachSpec.builder("w2").netns("/run/netns/b").address("10.77.2.2").labels("app", "db").build();
    private static final Policy DB = Policy.builder("db").selectLabels("app", "db").ingress(Rule.allowAll(), Rule.denyAll()).build();
    private static final DesiredState DESIRED = new DesiredState(List.of(W1, W2),
            List.of(Route.of("10.9.0.0/16", NextHop.endpoint("w1", 1), NextHop.endpoint("w2", 3)), Route.of("203.0.113.0/24", NextHop.drop())),
            PolicySet.of(DB), List.of(RemoteEndpoint.of("r1", "10.88.0.5", "app", "web")));

    @Test
    void aMatchingBackendHasNoDrift() {
        assertThat(Drift.between(DESIRED, matching(List.of()))).isEmpty();
    }

    @Test
    void ecmpWeightsAreComparedAsShares() {
        BackendView scaled = view(endpoints(), List.of(Route.of("10.9.0.0/16", NextHop.endpoint("w1", 2), NextHop.endpoint("w2", 6)),
                Route.of("203.0.113.0/24", NextHop.drop())), List.of());
        assertThat(Drift.between(DESIRED, scaled)).isEmpty();
        BackendView other = view(endpoints(), List.of(Route.of("10.9.0.0/16", NextHop.endpoint("w1", 1), NextHop.endpoint("w2", 1)),
                Route.of("203.0.113.0/24", NextHop.drop())), List.of());
        assertThat(Drift.between(DESIRED, other)).containsExactly(
                "route 10.9.0.0/16: next hops endpoint w1 weight 1, endpoint w2 weight 3 expected, backend has endpoint w1 weight 1, endpoint w2 weight 1");
    }

    @Test
    void aMissingOrExtraRouteIsNamed() {
        BackendView missing = view(endpoints(), List.of(Route.of("10.9.0.0/16", NextHop.endpoint("w1", 1), NextHop.endpoint("w2", 3)),
                Route.of("198.51.100.0/24", NextHop.gateway("192.0.2.1"))), List.of());
        assertThat(Drift.between(DESIRED, missing)).containsExactly(
                "route 203.0.113.0/24: missing in the backend (expected drop)",
                "route 198.51.100.0/24: in the backend (gateway 192.0.2.1) but not in the route table");
    }

    @Test
    void endpointDifferencesAreNamed() {
        List<EndpointView> eps = List.of(new EndpointView(EndpointId.of("w1"), List.of(IpAddress.parse("10.77.1.3")), "hw1"),
                new EndpointView(EndpointId.of("w3"), List.of(IpAddress.parse("10.77.3.2")), "hw3"));
        assertThat(Drift.between(DESIRED, view(eps, routes(), List.of()))).containsExactly(
                "endpoint w1: addresses [10.77.1.2] expected, backend has [10.77.1.3] (on hw1)",
                "endpoint w2: missing in the backend",
                "endpoint w3: in the backend (hw3) but not attached");
    }

    @Test
    void policyRemotesCountersAndUnexplainedEntriesAreCompared() {
        BackendView b = new BackendView("test", EnumSet.allOf(Aspect.class), endpoints(), routes(), Set.of(IpAddress.parse("10.88.0.6")),
                List.of(new PolicyEntries(EndpointId.of("w1"), Direction.INGRESS, true, 1),
                        new PolicyEntries(EndpointId.of("w1"), Direction.EGRESS, false, 0),
                        new PolicyEntries(EndpointId.of("w2"), Direction.INGRESS, true, 2)),
                Set.of(new RuleRef("db", Direction.INGRESS, 0), new RuleRef("gone", Direction.EGRESS, 0)), List.of("a route to ifindex 99"));
        assertThat(Drift.between(DESIRED, b)).containsExactly(
                "remote address 10.88.0.5: no identity for it in the backend",
                "remote address 10.88.0.6: identity in the backend but no remote endpoint has it",
                "policy w1 ingress: open expected, backend has it isolated (1 entries)",
                "policy w2 egress: nothing read back from the backend",
                "rule db/ingress[1]: no counter in the backend",
                "rule gone/egress[0]: counter in the backend but no such rule is in force",
                "backend holds a route to ifindex 99");
    }

    @Test
    void aspectsTheBackendCannotReadAreNotCompared() {
        BackendView routesOnly = new BackendView("test", EnumSet.of(Aspect.ROUTES), List.of(), routes(), Set.of(), List.of(), Set.of(), List.of());
        assertThat(Drift.between(DESIRED, routesOnly)).isEmpty();
    }

    private static BackendView matching(List<String> unexplained) {
        return view(endpoints(), routes(), unexplained);
    }

    private static BackendView view(List<EndpointView> endpoints, List<Route> routes, List<String> unexplained) {
        List<PolicyEntries> policy = new ArrayList<>();
        for (String id : List.of("w1", "w2")) {
            for (Direction d : Direction.values()) {
                policy.add(new PolicyEntries(EndpointId.of(id), d, id.equals("w2") && d == Direction.INGRESS, 1));
            }
        }
        return new BackendView("test", EnumSet.allOf(Aspect.class), endpoints, routes, Set.of(IpAddress.parse("10.88.0.5")), policy,
                Set.of(new RuleRef("db", Direction.INGRESS, 0), new RuleRef("db", Direction.INGRESS, 1)), unexplained);
    }

    private static List<EndpointView> endpoints() {
        return List.of(new EndpointView(EndpointId.of("w1"), List.of(IpAddress.parse("10.77.1.2")), "hw1"),
                new EndpointView(EndpointId.of("w2"), List.of(IpAddress.parse("10.77.2.2")), "hw2"));
    }

    private static List<Route> routes() {
        return DESIRED.routes();
    }
}
