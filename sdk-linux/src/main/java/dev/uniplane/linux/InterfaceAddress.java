package dev.uniplane.linux;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;

/**
 * An interface address with its prefix length, e.g. {@code 10.0.0.5/24}. Unlike {@link dev.uniplane.api.IpPrefix} it
 * keeps the host bits (that is what an interface address is), and the length is not validated here so that the
 * kernel's own EINVAL can be seen.
 *
 * @param address      the local address
 * @param prefixLength the prefix length of the connected subnet (0..32 or 0..128 for the kernel to accept it)
 */
public record InterfaceAddress(IpAddress address, int prefixLength) {
    public InterfaceAddress {
        if (address == null) {
            throw new IllegalArgumentException("address is null");
        }
    }

    /** Parses {@code ADDR/LEN} or a bare address (a host address: /32 or /128). Literals only, no DNS. */
    public static InterfaceAddress parse(String text) {
        int slash = text.indexOf('/');
        IpAddress address = IpAddress.parse(slash < 0 ? text : text.substring(0, slash));
        return new InterfaceAddress(address, slash < 0 ? address.family().bits() : Integer.parseInt(text.substring(slash + 1)));
    }

    /** A host address: /32 or /128. */
    public static InterfaceAddress host(IpAddress address) {
        return new InterfaceAddress(address, address.family().bits());
    }

    /** AF_INET (2) or AF_INET6 (10). */
    public int family() {
        return address.family() == IpFamily.IPV4 ? RtNetlink.AF_INET : RtNetlink.AF_INET6;
    }

    @Override
    public String toString() {
        return address + "/" + prefixLength;
    }
}
