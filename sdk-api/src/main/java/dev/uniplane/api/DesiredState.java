package dev.uniplane.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Everything a dataplane should hold: endpoints, routes, policies and remote endpoints. */
public record DesiredState(List<AttachSpec> endpoints, List<Route> routes, PolicySet policies, List<RemoteEndpoint> remotes) {

    public DesiredState {
        endpoints = Check.list("endpoints", endpoints);
        routes = Check.list("routes", routes);
        Check.notNull("policies", policies);
        remotes = Check.list("remotes", remotes);
        unique("endpoints", endpoints.stream().map(e -> (Object) e.id()).toList());
        Map<IpAddress, EndpointId> owners = new HashMap<>();
        for (int i = 0; i < endpoints.size(); i++) {
            for (IpAddress a : endpoints.get(i).addresses()) {
                EndpointId other = owners.putIfAbsent(a, endpoints.get(i).id());
                if (other != null) {
                    throw new InvalidSpecException("endpoints[" + i + "].addresses", a, "address already belongs to endpoint " + other);
                }
            }
        }
        unique("routes", routes.stream().map(r -> (Object) r.prefix()).toList());
        unique("remotes", remotes.stream().map(r -> (Object) r.id()).toList());
        // One owner per address: a remote endpoint cannot have a local endpoint's or another remote's address.
        Map<IpAddress, String> remoteOwners = new HashMap<>();
        for (int i = 0; i < remotes.size(); i++) {
            for (IpAddress a : remotes.get(i).addresses()) {
                EndpointId local = owners.get(a);
                if (local != null) {
                    throw new InvalidSpecException("remotes[" + i + "].addresses", a, "address already belongs to endpoint " + local);
                }
                String remote = remoteOwners.putIfAbsent(a, remotes.get(i).id());
                if (remote != null) {
                    throw new InvalidSpecException("remotes[" + i + "].addresses", a, "address already belongs to remote endpoint " + remote);
                }
            }
        }
    }

    public static DesiredState empty() {
        return new DesiredState(List.of(), List.of(), PolicySet.empty(), List.of());
    }

    private static void unique(String field, List<Object> keys) {
        Map<Object, Integer> seen = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            Integer first = seen.putIfAbsent(keys.get(i), i);
            if (first != null) {
                throw new InvalidSpecException(field + "[" + i + "]", keys.get(i), "duplicate (also " + field + "[" + first + "])");
            }
        }
    }

    public DesiredState withEndpoints(List<AttachSpec> endpoints) {
        return new DesiredState(endpoints, routes, policies, remotes);
    }

    public DesiredState withRoutes(List<Route> routes) {
        return new DesiredState(endpoints, routes, policies, remotes);
    }

    public DesiredState withPolicies(PolicySet policies) {
        return new DesiredState(endpoints, routes, policies, remotes);
    }

    public DesiredState withRemotes(List<RemoteEndpoint> remotes) {
        return new DesiredState(endpoints, routes, policies, remotes);
    }
}
