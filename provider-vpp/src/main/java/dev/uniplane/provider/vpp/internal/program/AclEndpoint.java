package dev.uniplane.provider.vpp.internal.program;

import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import java.util.List;

/**
 * PLACEHOLDER (replaced by vppacl's file on merge): one local endpoint as the ACL program sees it.
 *
 * @param id        the endpoint
 * @param swIfIndex its VPP interface
 * @param addresses its addresses; the endpoint's index in the list given to the program is its
 *                  {@code PolicyEndpoint.index()}
 */
public record AclEndpoint(EndpointId id, int swIfIndex, List<IpAddress> addresses) {
}
