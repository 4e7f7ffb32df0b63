package dev.uniplane.spi;

import dev.uniplane.api.DesiredState;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An immutable snapshot of what {@link AbstractDataplane} holds as desired and in force: the endpoints as the backend
 * returned them, the routes, the policy set and the remote endpoints, each map in the order the user added them.
 *
 * @param endpoints attached endpoints by id
 * @param routes    routes by prefix
 * @param policies  the applied policy set
 * @param remotes   registered remote endpoints by id
 */
public record DesiredView(Map<EndpointId, Endpoint> endpoints, Map<IpPrefix, Route> routes, PolicySet policies,
                          Map<String, RemoteEndpoint> remotes) {

    /** Nothing attached, routed, applied or registered. */
    public static final DesiredView EMPTY = new DesiredView(Map.of(), Map.of(), PolicySet.empty(), Map.of());

    /** Copies the maps (keeping their order) so that the view never changes. */
    public DesiredView {
        endpoints = frozen(endpoints);
        routes = frozen(routes);
        remotes = frozen(remotes);
    }

    /** The user's view of it, as {@code Dataplane.currentState()} reports it. */
    public DesiredState toState() {
        return new DesiredState(endpoints.values().stream().map(Endpoint::spec).toList(), routes.values().stream().toList(),
                policies, remotes.values().stream().toList());
    }

    private static <K, V> Map<K, V> frozen(Map<K, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
