package dev.uniplane.provider.vpp.internal.program;

import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import java.util.List;
import java.util.Objects;

/**
 * A local endpoint as the ACL program sees it: its VPP interface and the source addresses it may send from. Its
 * position in the list given to {@link AclProgram#apply} is its {@code PolicyEndpoint.index()} in the resolved policy.
 *
 * @param id             the endpoint
 * @param swIfIndex      its VPP interface (af_packet or memif)
 * @param addresses      its own addresses
 * @param routedPrefixes prefixes routed to it, which it may also send from (a router or VNF workload answers for them)
 */
public record AclEndpoint(EndpointId id, int swIfIndex, List<IpAddress> addresses, List<IpPrefix> routedPrefixes) {

    /** Copies the lists. */
    public AclEndpoint {
        Objects.requireNonNull(id, "id");
        addresses = List.copyOf(addresses);
        routedPrefixes = List.copyOf(routedPrefixes);
    }

    /** An endpoint that sends from its own addresses only. */
    public AclEndpoint(EndpointId id, int swIfIndex, List<IpAddress> addresses) {
        this(id, swIfIndex, addresses, List.of());
    }
}
