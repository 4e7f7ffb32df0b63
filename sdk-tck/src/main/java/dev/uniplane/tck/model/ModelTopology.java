package dev.uniplane.tck.model;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DesiredState;
import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixed topology for generated tests: local endpoints, registered remote endpoints, external (unregistered)
 * addresses and routes that make every address routable.
 *
 * @param endpoints local endpoints to attach
 * @param remotes   remote endpoints to register
 * @param externals addresses that belong to no endpoint
 * @param routes    explicit routes
 */
public record ModelTopology(List<AttachSpec> endpoints, List<RemoteEndpoint> remotes, List<IpAddress> externals,
                           List<Route> routes) {

    /** Copies the lists. */
    public ModelTopology {
        endpoints = List.copyOf(endpoints);
        remotes = List.copyOf(remotes);
        externals = List.copyOf(externals);
        routes = List.copyOf(routes);
    }

    /**
     * Three IPv4 endpoints ({@code ep-a} 10.0.0.1 app=web tier=front env=prod, {@code ep-b} 10.0.0.2 app=db tier=back
     * env=prod, {@code ep-c} 10.0.0.3 app=web env=dev, without a tier), two remote endpoints ({@code r-1} 10.1.0.1
     * app=db env=prod, {@code r-2} 10.1.0.2 app=cache tier=back), three external addresses (10.1.0.9 inside the remote
     * range, 192.0.2.1, 198.51.100.7), a default route via 10.255.0.1 and an ECMP route 10.1.0.0/16 via 10.255.0.2 and
     * 10.255.0.3.
     */
    public static ModelTopology standard() {
        return new ModelTopology(
                List.of(endpoint("ep-a", "10.0.0.1", "app", "web", "tier", "front", "env", "prod"),
                        endpoint("ep-b", "10.0.0.2", "app", "db", "tier", "back", "env", "prod"),
                        endpoint("ep-c", "10.0.0.3", "app", "web", "env", "dev")),
                List.of(RemoteEndpoint.of("r-1", "10.1.0.1", "app", "db", "env", "prod"),
                        RemoteEndpoint.of("r-2", "10.1.0.2", "app", "cache", "tier", "back")),
                List.of(IpAddress.parse("10.1.0.9"), IpAddress.parse("192.0.2.1"), IpAddress.parse("198.51.100.7")),
                List.of(Route.of("0.0.0.0/0", NextHop.gateway("10.255.0.1")),
                        Route.of("10.1.0.0/16", NextHop.gateway("10.255.0.2"), NextHop.gateway("10.255.0.3"))));
    }

    /**
     * The standard topology with IPv6 added: ep-a/b/c also have fd00::1/2/3, r-1 and r-2 also fd00:1::1/2, the
     * externals add fd00:1::9 and 2001:db8::1, with a default route ::/0 via fd00:ff::1 and an ECMP route fd00:1::/64
     * via fd00:ff::2 and fd00:ff::3.
     */
    public static ModelTopology dualStack() {
        ModelTopology v4 = standard();
        List<AttachSpec> endpoints = List.of(
                AttachSpec.builder("ep-a").netns("/run/netns/ep-a").address("10.0.0.1").address("fd00::1")
                        .labels(v4.endpoints().get(0).labels()).build(),
                AttachSpec.builder("ep-b").netns("/run/netns/ep-b").address("10.0.0.2").address("fd00::2")
                        .labels(v4.endpoints().get(1).labels()).build(),
                AttachSpec.builder("ep-c").netns("/run/netns/ep-c").address("10.0.0.3").address("fd00::3")
                        .labels(v4.endpoints().get(2).labels()).build());
        List<RemoteEndpoint> remotes = List.of(
                new RemoteEndpoint("r-1", List.of(IpAddress.parse("10.1.0.1"), IpAddress.parse("fd00:1::1")), v4.remotes().get(0).labels()),
                new RemoteEndpoint("r-2", List.of(IpAddress.parse("10.1.0.2"), IpAddress.parse("fd00:1::2")), v4.remotes().get(1).labels()));
        List<IpAddress> externals = new ArrayList<>(v4.externals());
        externals.add(IpAddress.parse("fd00:1::9"));
        externals.add(IpAddress.parse("2001:db8::1"));
        List<Route> routes = new ArrayList<>(v4.routes());
        routes.add(Route.of("::/0", NextHop.gateway("fd00:ff::1")));
        routes.add(Route.of("fd00:1::/64", NextHop.gateway("fd00:ff::2"), NextHop.gateway("fd00:ff::3")));
        return new ModelTopology(endpoints, remotes, externals, routes);
    }

    /** An endpoint spec with netns {@code /run/netns/ID}. */
    public static AttachSpec endpoint(String id, String address, String... labelKeyValues) {
        return AttachSpec.builder(id).netns("/run/netns/" + id).address(address).labels(labelKeyValues).build();
    }

    public List<IpAddress> localAddresses() {
        return endpoints.stream().flatMap(e -> e.addresses().stream()).toList();
    }

    public List<IpAddress> remoteAddresses() {
        return remotes.stream().flatMap(r -> r.addresses().stream()).toList();
    }

    /** Local, remote and external addresses, in that order. */
    public List<IpAddress> addresses() {
        List<IpAddress> all = new ArrayList<>(localAddresses());
        all.addAll(remoteAddresses());
        all.addAll(externals);
        return List.copyOf(all);
    }

    public DesiredState desiredState(PolicySet policies) {
        return new DesiredState(endpoints, routes, policies, remotes);
    }

    /** A reference model holding this topology and {@code policies}. */
    public ReferenceModel model(PolicySet policies, FlowTimeouts timeouts, InstantSource clock) {
        return ReferenceModel.of(desiredState(policies), timeouts, clock);
    }

    public ReferenceModel model(PolicySet policies) {
        return model(policies, FlowTimeouts.DEFAULT, new ManualClock());
    }
}
