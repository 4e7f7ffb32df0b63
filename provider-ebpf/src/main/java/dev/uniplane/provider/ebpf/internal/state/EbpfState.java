package dev.uniplane.provider.ebpf.internal.state;

import dev.uniplane.api.IpPrefix;
import dev.uniplane.provider.ebpf.internal.maps.PolicyCompiler;
import java.util.List;

/**
 * The eBPF provider's dataplane-level record in the saved state ({@code dev.uniplane.spi.state.SavedDataplane}): the
 * bindings in the pinned maps that the desired state does not say.
 *
 * @param routeGroups the next-hop group of each route
 * @param remotes     the policy identity of each remote endpoint's addresses
 */
public record EbpfState(List<RouteGroup> routeGroups, List<RemoteIdentities> remotes) {

    /**
     * One route's next-hop group in {@code up_nh_groups}.
     *
     * @param prefix the route's prefix
     * @param group  its group id
     */
    public record RouteGroup(IpPrefix prefix, int group) {
    }

    /**
     * The identities of one remote endpoint's addresses.
     *
     * @param id         the remote endpoint's id
     * @param identities one per address
     */
    public record RemoteIdentities(String id, List<PolicyCompiler.AddressIdentity> identities) {
    }
}
