package dev.uniplane.linux;

import dev.uniplane.api.IpAddress;
import java.util.Objects;

/**
 * A TCP connection as the kernel names it: local and remote address and port. IPv4-mapped IPv6 addresses (a dual-stack
 * socket talking to an IPv4 peer) are given as the IPv4 address, so a connection compares equal however it was opened.
 *
 * @param local      local address
 * @param localPort  local port
 * @param remote     remote address
 * @param remotePort remote port
 */
public record TcpConnection(IpAddress local, int localPort, IpAddress remote, int remotePort) {
    public TcpConnection {
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(remote, "remote");
        local = unmapped(local);
        remote = unmapped(remote);
    }

    /** ::ffff:a.b.c.d as a.b.c.d; any other address as it is. */
    static IpAddress unmapped(IpAddress address) {
        if (address.family() == dev.uniplane.api.IpFamily.IPV6 && address.high() == 0 && (address.low() >>> 32) == 0xffffL) {
            return IpAddress.ofV4((int) address.low());
        }
        return address;
    }

    @Override
    public String toString() {
        return local + ":" + localPort + " -> " + remote + ":" + remotePort;
    }
}
