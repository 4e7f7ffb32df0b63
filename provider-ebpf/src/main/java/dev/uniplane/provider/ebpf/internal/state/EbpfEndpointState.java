package dev.uniplane.provider.ebpf.internal.state;

import dev.uniplane.provider.ebpf.internal.maps.PolicyCompiler;
import java.util.List;

/**
 * The eBPF provider's record of one endpoint in the saved state ({@code dev.uniplane.spi.state.SavedDataplane}): what
 * attach chose beyond the {@code Endpoint} (which has the host veth's name and the MACs).
 *
 * @param index       the endpoint's index (counter slot; the host veth is named after it)
 * @param hostIfindex the host veth's ifindex, to tell it from a new link of the same name
 * @param identities  the policy identity of each of its addresses
 */
public record EbpfEndpointState(int index, int hostIfindex, List<PolicyCompiler.AddressIdentity> identities) {
}
