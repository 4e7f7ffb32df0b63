package dev.uniplane.spi.policy;

import dev.uniplane.api.Direction;
import java.util.Objects;

/**
 * A local endpoint with the rules that apply at it.
 *
 * @param endpoint the endpoint as given to the resolver
 * @param ingress  the rules for traffic arriving at it
 * @param egress   the rules for traffic leaving it
 */
public record ResolvedEndpoint(PolicyEndpoint endpoint, EndpointRules ingress, EndpointRules egress) {

    /** Checks for nulls. */
    public ResolvedEndpoint {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(ingress, "ingress");
        Objects.requireNonNull(egress, "egress");
    }

    /** The rules of one direction. */
    public EndpointRules rules(Direction direction) {
        return direction == Direction.INGRESS ? ingress : egress;
    }
}
