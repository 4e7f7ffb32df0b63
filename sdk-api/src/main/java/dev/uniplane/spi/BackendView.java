package dev.uniplane.spi;

import dev.uniplane.api.Direction;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Route;
import dev.uniplane.api.RuleRef;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a backend really has programmed, read back and expressed in model terms by a {@link BackendInspector}.
 * A provider fills only the {@link Aspect}s it can read back honestly (listed in {@link #readable()}); the others
 * stay empty and {@link Drift} does not compare them. Policy is read back in summary only (no decompiler): whether an
 * endpoint is isolated per direction, how many entries/flows/rules the backend holds for it, and which rules have
 * counters.
 *
 * @param provider       the provider that read it
 * @param readable       the aspects this view is complete for
 * @param endpoints      the endpoints the backend has wired
 * @param routes         the routes it forwards by, next hops in API terms (weights as programmed)
 * @param remoteAddresses addresses of remote endpoints the backend holds an identity for
 * @param policy         per endpoint and direction: isolation and the number of programmed entries
 * @param countedRules   rules the backend holds a counter for
 * @param unexplained    backend entries that name nothing the dataplane knows (an interface or port no endpoint
 *                       owns, a next hop that cannot be decoded); each is drift
 */
public record BackendView(String provider, Set<Aspect> readable, List<EndpointView> endpoints, List<Route> routes,
                          Set<IpAddress> remoteAddresses, List<PolicyEntries> policy, Set<RuleRef> countedRules,
                          List<String> unexplained) {

    public BackendView {
        Objects.requireNonNull(provider, "provider");
        readable = Set.copyOf(readable);
        endpoints = List.copyOf(endpoints);
        routes = List.copyOf(routes);
        remoteAddresses = Set.copyOf(remoteAddresses);
        policy = List.copyOf(policy);
        countedRules = Set.copyOf(countedRules);
        unexplained = List.copyOf(unexplained);
    }

    /** What a view can be complete for. */
    public enum Aspect {
        /** {@link #endpoints()}: ids, addresses and host interfaces. */
        ENDPOINTS,
        /** {@link #routes()}: prefixes and next hops with weights. */
        ROUTES,
        /** {@link #remoteAddresses()}. */
        REMOTES,
        /** {@link PolicyEntries#isolated()} for every endpoint and direction. */
        POLICY_ISOLATION,
        /** {@link #countedRules()}: exactly the rules of policies that select a local endpoint. */
        RULE_COUNTERS
    }

    /**
     * An endpoint as the backend has it wired.
     *
     * @param id            the endpoint (resolved through the host interface the backend names)
     * @param addresses     the addresses the backend delivers to it and accepts from it
     * @param hostInterface the dataplane-side interface or port
     */
    public record EndpointView(EndpointId id, List<IpAddress> addresses, String hostInterface) {
        public EndpointView {
            Objects.requireNonNull(id, "id");
            addresses = List.copyOf(addresses);
            Objects.requireNonNull(hostInterface, "hostInterface");
        }
    }

    /**
     * The policy programmed for one endpoint in one direction.
     *
     * @param endpoint  the endpoint
     * @param direction the direction
     * @param isolated  whether the backend enforces a policy there (default deny with allow entries) rather than
     *                  letting everything pass
     * @param entries   how many policy entries/flows/rules the backend holds for it (provider-specific unit,
     *                  informative; not compared by {@link Drift})
     */
    public record PolicyEntries(EndpointId endpoint, Direction direction, boolean isolated, int entries) {
        public PolicyEntries {
            Objects.requireNonNull(endpoint, "endpoint");
            Objects.requireNonNull(direction, "direction");
        }
    }
}
