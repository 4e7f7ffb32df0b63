package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.InterfaceAddress;

import java.util.List;

/**
 * How the VF netdev looks inside the workload: an L2 attach, so the addresses carry their real prefix and the
 * gateways are on the physical network (not the point-to-point /32 + 169.254.1.1 scheme of veth providers).
 *
 * @param netns         path of the workload namespace
 * @param interfaceName the name the VF netdev gets there (1-15 characters)
 * @param mac           the MAC set on the VF netdev there, or {@code null} to keep the VF's
 * @param mtu           the MTU, or {@code null} to keep the VF's
 * @param addresses     addresses with their prefix ({@code 192.0.2.10/24})
 * @param gateways      default-route gateways, at most one per family, each with an address of its family
 */
public record WorkloadNetdev(String netns, String interfaceName, MacAddress mac, Integer mtu,
                             List<InterfaceAddress> addresses, List<IpAddress> gateways) {
    public WorkloadNetdev {
        if (netns == null || !netns.startsWith("/")) {
            throw new InvalidSpecException("netns", netns, "must be an absolute path such as /run/netns/NAME");
        }
        if (interfaceName == null || !interfaceName.matches("[^/\\s:]{1,15}")) {
            throw new InvalidSpecException("interfaceName", interfaceName, "must be 1-15 characters without '/', ':' or spaces");
        }
        if (mtu != null && (mtu < 68 || mtu > 65535)) {
            throw new InvalidSpecException("mtu", mtu, "must be 68..65535");
        }
        addresses = List.copyOf(addresses);
        gateways = List.copyOf(gateways);
        for (IpAddress gw : gateways) {
            if (addresses.stream().noneMatch(a -> a.address().family() == gw.family())) {
                throw new InvalidSpecException("gateways", gw, "has no address of its family to route from");
            }
        }
        if (gateways.stream().map(IpAddress::family).distinct().count() != gateways.size()) {
            throw new InvalidSpecException("gateways", gateways, "at most one gateway per family");
        }
    }
}
