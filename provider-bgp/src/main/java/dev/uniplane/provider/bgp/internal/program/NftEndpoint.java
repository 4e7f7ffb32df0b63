package dev.uniplane.provider.bgp.internal.program;

import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import java.util.List;

/**
 * An attached endpoint as the nftables program sees it: its host-side interface and addresses. Its index in the list
 * passed to {@link NftPolicyProgram#apply} is its {@code PolicyEndpoint.index()}.
 *
 * @param id            the endpoint
 * @param hostInterface its veth's host end in the node namespace
 * @param addresses     its addresses (anti-spoofing)
 */
public record NftEndpoint(EndpointId id, String hostInterface, List<IpAddress> addresses) {
}
