package dev.uniplane.tck.model;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Policy;
import dev.uniplane.api.Route;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.uniplane.tck.model.Fixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** SEMANTICS "Routes": longest prefix, implicit host routes, no route, TTL, ECMP; and the order with policy. */
class RoutingSemanticsTest {
    private final Fixture f = new Fixture();

    private RouteDecision routeOf(Packet packet) {
        return f.send(packet).route().orElseThrow();
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    @Test
    void longestPrefixWins() {
        f.model.addRoute(Route.of("10.9.0.0/16", NextHop.gateway("10.255.0.7")));
        f.model.addRoute(Route.of("10.9.1.0/24", NextHop.gateway("10.255.0.8")));
        assertThat(routeOf(udp(FROM_A, A, "10.9.1.5", 53))).isEqualTo(new RouteDecision.ViaGateway(ip("10.255.0.8"),
                IpPrefix.parse("10.9.1.0/24"), List.of(NextHop.gateway("10.255.0.8"))));
        assertThat(((RouteDecision.ViaGateway) routeOf(udp(FROM_A, A, "10.9.2.5", 53))).gateway()).isEqualTo(ip("10.255.0.7"));
        assertThat(((RouteDecision.ViaGateway) routeOf(udp(FROM_A, A, "10.8.0.1", 53))).gateway()).isEqualTo(ip("10.255.0.1"));
    }

    @Test
    void noRouteDrops() {
        f.model.setRoutes(List.of());
        Verdict v = f.send(udp(FROM_A, A, INTERNET, 53));
        assertDropped(v, DropReason.NO_ROUTE);
        assertThat(v.route()).contains(new RouteDecision.Dropped(java.util.Optional.empty()));
        assertThat(f.model.stats().endpoint(EP_A).drops(DropReason.NO_ROUTE)).isEqualTo(1);
    }

    @Test
    void dropRouteCountsAsNoRoute() {
        f.model.addRoute(Route.of("192.0.2.0/24", NextHop.drop()));
        Verdict v = f.send(udp(FROM_A, A, INTERNET, 53));
        assertDropped(v, DropReason.NO_ROUTE);
        assertThat(v.route().orElseThrow().matchedPrefix()).contains(IpPrefix.parse("192.0.2.0/24"));
    }

    @Test
    void hostRoutesOfEndpointsAreImplicit() {
        f.model.setRoutes(List.of());
        Verdict v = f.send(syn(FROM_A, A, B, 80));
        assertDelivered(v);
        assertThat(v.route()).contains(new RouteDecision.LocalDelivery(EP_B, IpPrefix.parse(B + "/32"),
                List.of(new NextHop.ToEndpoint(EP_B, 1))));
        assertThat(v.deliveredTo()).contains(EP_B);
        assertThat(f.model.routes()).as("implicit routes are not listed").isEmpty();
    }

    @Test
    void hostRouteBeatsShorterExplicitRoute() {
        f.model.addRoute(Route.of("10.0.0.0/24", NextHop.gateway("10.255.0.9")));
        assertThat(f.send(syn(FROM_A, A, B, 80)).deliveredTo()).contains(EP_B);
    }

    @Test
    void explicitHostRouteOverridesImplicitOne() {
        f.model.addRoute(Route.of(B + "/32", NextHop.endpoint("ep-c")));
        assertThat(f.send(syn(FROM_A, A, B, 80)).deliveredTo()).contains(EP_C);
    }

    @Test
    void toEndpointNextHopDeliversToThatEndpointAndChecksItsIngress() {
        f.model.addRoute(Route.of("203.0.113.0/24", NextHop.endpoint("ep-c")));
        assertThat(f.send(udp(FROM_A, A, "203.0.113.5", 53)).deliveredTo()).contains(EP_C);
        f.apply(Policy.builder("c-in").selectLabels("env", "dev").ingress().build());
        Verdict v = f.send(udp(FROM_A, A, "203.0.113.6", 53));
        assertDropped(v, DropReason.POLICY_DEFAULT_DENY);
        assertThat(v.ingressCheck().orElseThrow().endpoint()).isEqualTo(EP_C);
    }

    @Test
    void toEndpointHopOfDetachedEndpointIsUnusable() {
        f.model.addRoute(Route.of("203.0.113.0/24", NextHop.endpoint("ep-c"), NextHop.gateway("10.255.0.9")));
        f.model.detach(EP_C);
        for (int port = 1; port < 50; port++) {
            RouteDecision route = routeOf(udp(FROM_A, A, "203.0.113.5", port));
            assertThat(route).isInstanceOf(RouteDecision.ViaGateway.class);
            assertThat(route.candidates()).containsExactly(NextHop.gateway("10.255.0.9"));
        }
        f.model.replaceRoute(Route.of("203.0.113.0/24", NextHop.endpoint("ep-c")));
        assertDropped(f.send(udp(FROM_A, A, "203.0.113.5", 53)), DropReason.NO_ROUTE);
    }

    @Test
    void ttlExceeded() {
        Verdict v = f.send(udp(FROM_A, A, INTERNET, 53).withTtl(1));
        assertDropped(v, DropReason.TTL_EXCEEDED);
        assertThat(v.route().orElseThrow()).isInstanceOf(RouteDecision.TtlExceeded.class);
        assertDropped(f.send(udp(FROM_A, A, INTERNET, 53).withTtl(0)), DropReason.TTL_EXCEEDED);
        assertDelivered(f.send(udp(FROM_A, A, INTERNET, 53).withTtl(2)));
        assertThat(f.model.stats().endpoint(EP_A).drops(DropReason.TTL_EXCEEDED)).isEqualTo(2);
    }

    @Test
    void localDeliveryIsRoutedAndDecrementsTtl() {
        assertDropped(f.send(syn(FROM_A, A, B, 80).withTtl(1)), DropReason.TTL_EXCEEDED);
        assertDelivered(f.send(syn(FROM_A, A, B, 80).withTtl(2)));
    }

    @Test
    void noRouteIsDecidedBeforeTtl() {
        f.model.setRoutes(List.of());
        assertDropped(f.send(udp(FROM_A, A, INTERNET, 53).withTtl(1)), DropReason.NO_ROUTE);
    }

    @Test
    void egressPolicyIsCheckedBeforeRouting() {
        f.model.setRoutes(List.of());
        f.apply(Policy.builder("a-out").selectLabels("tier", "front").egress().build());
        Verdict v = f.send(udp(FROM_A, A, INTERNET, 53));
        assertDropped(v, DropReason.POLICY_DEFAULT_DENY);
        assertThat(v.route()).isEmpty();
    }

    @Test
    void ingressPolicyIsCheckedAfterRouting() {
        f.apply(Policy.builder("b-in").selectLabels("app", "db").ingress().build());
        Verdict v = f.send(syn(FROM_A, A, B, 80).withTtl(1));
        assertDropped(v, DropReason.TTL_EXCEEDED);
        assertThat(v.ingressCheck()).isEmpty();
    }

    @Test
    void ecmpIsFlowConsistentAndWeighted() {
        NextHop heavy = NextHop.gateway("10.255.0.7", 3);
        NextHop light = NextHop.gateway("10.255.0.8", 1);
        f.model.addRoute(Route.of("10.7.0.0/16", heavy, light));
        Map<IpAddress, Integer> share = new HashMap<>();
        int flows = 4000;
        for (int i = 0; i < flows; i++) {
            Packet packet = Packet.udp(FROM_A, A, 1024 + i, "10.7." + (i % 7) + ".1", 53);
            RouteDecision first = f.model.route(packet);
            assertThat(first.candidates()).containsExactly(heavy, light);
            assertThat(routeOf(packet)).as("same flow, same hop").isEqualTo(first);
            assertThat(f.model.route(packet)).isEqualTo(first);
            share.merge(((RouteDecision.ViaGateway) first).gateway(), 1, Integer::sum);
        }
        assertThat(share.get(ip("10.255.0.7")) / (double) flows).isCloseTo(0.75, within(0.04));
    }

    @Test
    void ecmpHashUsesTheWholeFiveTuple() {
        f.model.addRoute(Route.of("10.7.0.0/16", NextHop.gateway("10.255.0.7"), NextHop.gateway("10.255.0.8")));
        java.util.Set<RouteDecision> seen = new java.util.HashSet<>();
        for (int port = 1; port <= 32; port++) {
            seen.add(f.model.route(udp(FROM_A, A, "10.7.0.1", port)));
        }
        assertThat(seen).as("destination port alone spreads flows").hasSize(2);
    }
}
