package dev.uniplane.provider.bgp.internal.program;

import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import java.util.List;
import java.util.Objects;

/**
 * A local endpoint as the nftables program sees it. In the list given to {@link NftPolicyProgram#apply}, the position
 * of an endpoint is the {@link dev.uniplane.spi.policy.PolicyEndpoint#index()} the resolved policy uses for it.
 *
 * @param id             its endpoint id (names its drop counters)
 * @param hostInterface  the host end of its veth in the node namespace (what {@code iifname}/{@code oifname} match)
 * @param addresses      its addresses: sources its packets may carry (anti-spoofing)
 * @param routedPrefixes prefixes of routes with it as a next hop: it may send from them too (a router or VNF workload
 *                       answers for the prefixes it serves)
 */
public record NftEndpoint(EndpointId id, String hostInterface, List<IpAddress> addresses, List<IpPrefix> routedPrefixes) {

    /** Checks for nulls and copies the lists. */
    public NftEndpoint {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostInterface, "hostInterface");
        addresses = List.copyOf(addresses);
        routedPrefixes = List.copyOf(routedPrefixes);
    }

    /** An endpoint that sends from its own addresses only. */
    public NftEndpoint(EndpointId id, String hostInterface, List<IpAddress> addresses) {
        this(id, hostInterface, addresses, List.of());
    }
}
