package dev.uniplane.linux;

import dev.uniplane.api.IpAddress;

/**
 * One path of a kernel ECMP route (an {@code rtnexthop} in RTA_MULTIPATH): unlike the API's
 * {@link dev.uniplane.api.NextHop} it names an output interface by ifindex and carries the kernel's weight.
 *
 * @param gateway next-hop address, or {@code null} for a device-only hop
 * @param ifIndex output interface, 0 to let the kernel resolve it from the gateway
 * @param weight  1..256 (encoded as rtnh_hops = weight - 1)
 */
public record FibNextHop(IpAddress gateway, int ifIndex, int weight) {
    public FibNextHop {
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("weight must be 1..256: " + weight);
        }
    }
}
