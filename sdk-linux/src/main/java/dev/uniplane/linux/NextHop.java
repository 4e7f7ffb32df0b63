package dev.uniplane.linux;

import java.net.InetAddress;

/**
 * One path of an ECMP route (an {@code rtnexthop} in RTA_MULTIPATH).
 *
 * @param gateway next-hop address, or {@code null} for a device-only hop
 * @param ifIndex output interface, 0 to let the kernel resolve it from the gateway
 * @param weight  1..256 (encoded as rtnh_hops = weight - 1)
 */
public record NextHop(InetAddress gateway, int ifIndex, int weight) {
    public NextHop {
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("weight must be 1..256: " + weight);
        }
    }
}
