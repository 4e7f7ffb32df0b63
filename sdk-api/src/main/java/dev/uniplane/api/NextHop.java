package dev.uniplane.api;

/** Where a route sends matching packets. Weights (1-256) share traffic among ECMP next hops. */
public sealed interface NextHop permits NextHop.Gateway, NextHop.ToEndpoint, NextHop.Drop {

    /** Maximum ECMP weight, as in Linux multipath routes. */
    int MAX_WEIGHT = 256;

    int weight();

    /** Forward to a gateway reachable through the uplink. */
    record Gateway(IpAddress address, int weight) implements NextHop {
        public Gateway {
            Check.notNull("gateway", address);
            Check.range("weight", weight, 1, MAX_WEIGHT);
        }
    }

    /** Deliver to a local endpoint (for example a VNF or router workload). */
    record ToEndpoint(EndpointId endpoint, int weight) implements NextHop {
        public ToEndpoint {
            Check.notNull("endpoint", endpoint);
            Check.range("weight", weight, 1, MAX_WEIGHT);
        }
    }

    /** Discard (a blackhole route); counted as a {@link DropReason#NO_ROUTE} drop. */
    record Drop() implements NextHop {
        @Override
        public int weight() {
            return 1;
        }
    }

    static NextHop gateway(String address) {
        return new Gateway(IpAddress.parse("gateway", address), 1);
    }

    static NextHop gateway(String address, int weight) {
        return new Gateway(IpAddress.parse("gateway", address), weight);
    }

    static NextHop endpoint(String id) {
        return new ToEndpoint(EndpointId.of(id), 1);
    }

    static NextHop endpoint(String id, int weight) {
        return new ToEndpoint(EndpointId.of(id), weight);
    }

    static NextHop drop() {
        return new Drop();
    }
}
