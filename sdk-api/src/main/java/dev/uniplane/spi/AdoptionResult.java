package dev.uniplane.spi;

import dev.uniplane.api.Endpoint;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import java.util.List;

/**
 * What {@link AbstractDataplane#backendAdopt} put in force from a saved state: what survived of it (an endpoint whose
 * namespace vanished meanwhile is dropped, with the routes that pointed at it). The SPI records exactly this.
 *
 * @param endpoints the endpoints in force, as the backend reports them
 * @param routes    the routes in force
 * @param policies  the policy set in force
 * @param remotes   the remote endpoints in force
 */
public record AdoptionResult(List<Endpoint> endpoints, List<Route> routes, PolicySet policies, List<RemoteEndpoint> remotes) {

    /** Copies the lists. */
    public AdoptionResult {
        endpoints = List.copyOf(endpoints);
        routes = List.copyOf(routes);
        remotes = List.copyOf(remotes);
    }

    /** The state of {@code view}, for a provider that replayed the saved state through the dataplane's own API. */
    public static AdoptionResult of(DesiredView view) {
        return new AdoptionResult(List.copyOf(view.endpoints().values()), List.copyOf(view.routes().values()),
                view.policies(), List.copyOf(view.remotes().values()));
    }
}
