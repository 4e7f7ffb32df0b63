package dev.uniplane.tck.model;

import dev.uniplane.api.EndpointId;

import java.util.Optional;

/** Where a packet enters the dataplane: from a local endpoint's workload, or from the uplink (outside the node). */
public sealed interface Origin permits Origin.FromEndpoint, Origin.FromUplink {

    /** The local endpoint that sent the packet, if it came from one. */
    Optional<EndpointId> endpoint();

    /** Sent by the workload of a local endpoint. */
    record FromEndpoint(EndpointId id) implements Origin {
        /** Validates the id. */
        public FromEndpoint {
            java.util.Objects.requireNonNull(id, "id");
        }

        @Override
        public Optional<EndpointId> endpoint() {
            return Optional.of(id);
        }
    }

    /** Received on the uplink (another node, a gateway, the outside world). */
    record FromUplink() implements Origin {
        @Override
        public Optional<EndpointId> endpoint() {
            return Optional.empty();
        }
    }

    static Origin endpoint(String id) {
        return new FromEndpoint(EndpointId.of(id));
    }

    static Origin endpoint(EndpointId id) {
        return new FromEndpoint(id);
    }

    static Origin uplink() {
        return new FromUplink();
    }
}
