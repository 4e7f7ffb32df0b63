package dev.uniplane.tck.harness;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;

/**
 * A workload namespace the harness created, with the attach spec to hand to the dataplane.
 *
 * @param name  the endpoint id
 * @param netns the workload's namespace
 * @param spec  the attach spec (netns path, eth0, addresses, labels)
 */
public record Workload(String name, NetNs netns, AttachSpec spec) implements Host {

    public IpAddress ipv4() {
        return spec.address(IpFamily.IPV4).orElseThrow(() -> new IllegalStateException(name + " has no IPv4 address"));
    }

    public IpAddress ipv6() {
        return spec.address(IpFamily.IPV6).orElseThrow(() -> new IllegalStateException(name + " has no IPv6 address"));
    }

    public IpAddress address(IpFamily family) {
        return family == IpFamily.IPV4 ? ipv4() : ipv6();
    }

    /**
     * Adds {@code address} as a /32 (/128) to the workload's eth0 inside its namespace only, behind the dataplane's
     * back, so that a probe bound to it sends from an address the dataplane did not give this workload.
     */
    public void addAddressInside(IpAddress address) {
        try (RtNetlink nl = RtNetlink.open(netns)) {
            nl.addAddress(nl.index(spec.interfaceName()), dev.uniplane.linux.InterfaceAddress.host(address),
                    address.family() == IpFamily.IPV4 ? 0 : AddressInfo.IFA_F_NODAD);
        }
    }
}
