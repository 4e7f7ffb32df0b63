package dev.uniplane.tck.model;

import dev.uniplane.api.EndpointId;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A tracked flow (immutable snapshot).
 *
 * @param key                 the 5-tuple of the direction that opened the flow
 * @param tcpState            the TCP state, empty for other protocols
 * @param lastSeen            when the last packet of the flow (either direction) passed
 * @param generation          the policy-input generation the flow was last allowed under (see
 *                            {@link ReferenceModel#generation()})
 * @param sourceEndpoint      the local endpoint that opened it, if any (its egress was checked)
 * @param destinationEndpoint the local endpoint the opening direction is delivered to, if any (its ingress was
 *                            checked), as of the flow's last check
 */
public record Flow(FlowKey key, Optional<TcpState> tcpState, Instant lastSeen, long generation,
                   Optional<EndpointId> sourceEndpoint, Optional<EndpointId> destinationEndpoint) {

    /** Rejects nulls. */
    public Flow {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(tcpState, "tcpState");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(sourceEndpoint, "sourceEndpoint");
        Objects.requireNonNull(destinationEndpoint, "destinationEndpoint");
    }

    /** Whether the flow involves this local endpoint. */
    public boolean involves(EndpointId endpoint) {
        return sourceEndpoint.filter(endpoint::equals).isPresent() || destinationEndpoint.filter(endpoint::equals).isPresent();
    }

    Flow seen(Instant now, boolean fromOriginator, TcpFlags flags) {
        Optional<TcpState> next = tcpState.map(s -> flags == null ? s : s.next(fromOriginator, flags));
        return new Flow(key, next, now, generation, sourceEndpoint, destinationEndpoint);
    }

    Flow rechecked(long newGeneration, Optional<EndpointId> newDestinationEndpoint) {
        return new Flow(key, tcpState, lastSeen, newGeneration, sourceEndpoint, newDestinationEndpoint);
    }
}
