package dev.uniplane.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address with a prefix length, e.g. {@code 10.1.0.1/24} or {@code fd00::1/64}. The address keeps its host bits
 * (interface addresses need them); use {@link #network()} for the masked form.
 *
 * @param address IPv4 or IPv6 address
 * @param length  prefix length, 0..32 or 0..128 (not validated here, so the kernel's EINVAL can be tested)
 */
public record IpPrefix(InetAddress address, int length) {
    public IpPrefix {
        if (address == null) {
            throw new IllegalArgumentException("address is null");
        }
    }

    /** Parses {@code ADDR/LEN} or a bare address (full length). Only literals are accepted (no DNS). */
    public static IpPrefix parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        InetAddress a = literal(addr);
        int len = slash < 0 ? a.getAddress().length * 8 : Integer.parseInt(text.substring(slash + 1));
        return new IpPrefix(a, len);
    }

    /** Parses an IP literal without any name lookup. */
    public static InetAddress literal(String addr) {
        if (addr.isEmpty() || !(addr.indexOf(':') >= 0 || Character.digit(addr.charAt(0), 16) >= 0)) {
            throw new IllegalArgumentException("not an IP literal: " + addr);
        }
        try {
            return InetAddress.ofLiteral(addr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP literal: " + addr, e);
        }
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** AF_INET (2) or AF_INET6 (10). */
    public int family() {
        return isIpv4() ? 2 : 10;
    }

    /** The prefix with host bits cleared. */
    public IpPrefix network() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, length - i * 8));
            b[i] &= (byte) (0xff << (8 - keep));
        }
        try {
            return new IpPrefix(InetAddress.getByAddress(b), length);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}
