package dev.uniplane.cli;

import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Protocol;
import java.util.Locale;
import org.apache.commons.lang3.StringUtils;
import org.apache.commons.lang3.math.NumberUtils;

/**
 * The {@code --to} of {@code explain}: {@code ADDRESS} (an ICMP echo), {@code ADDRESS:PORT} (TCP),
 * {@code ADDRESS:PORT/PROTO} or {@code ADDRESS/PROTO}; IPv6 in brackets when a port follows ({@code [fd00::1]:80/udp}).
 *
 * @param address  the destination
 * @param protocol TCP, UDP, SCTP, ICMP or ICMPV6
 * @param port     the destination port, 0 for ICMP
 */
record FlowTarget(IpAddress address, Protocol protocol, int port) {

    static FlowTarget parse(String text) {
        String rest = text.strip();
        String proto = null;
        int slash = rest.lastIndexOf('/');
        if (slash > 0) {
            proto = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String address = rest;
        String port = null;
        if (rest.startsWith("[")) {
            address = StringUtils.substringBetween(rest, "[", "]");
            port = StringUtils.substringAfter(rest, "]:");
        } else if (StringUtils.countMatches(rest, ':') == 1) {
            address = StringUtils.substringBefore(rest, ":");
            port = StringUtils.substringAfter(rest, ":");
        }
        if (address == null) {
            throw new InvalidSpecException("to", text, "expected ADDRESS[:PORT/PROTO]");
        }
        IpAddress ip = IpAddress.parse(address);
        Protocol protocol = proto == null ? (StringUtils.isEmpty(port) ? icmp(ip) : Protocol.TCP) : protocol(text, proto, ip);
        if (!protocol.hasPorts()) {
            if (StringUtils.isNotEmpty(port)) {
                throw new InvalidSpecException("to", text, protocol + " has no ports");
            }
            return new FlowTarget(ip, protocol, 0);
        }
        if (StringUtils.isEmpty(port) || !NumberUtils.isDigits(port) || port.length() > 5
                || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new InvalidSpecException("to", text, protocol + " needs a port from 1 to 65535 (ADDRESS:PORT/" + protocol.name().toLowerCase(Locale.ROOT) + ")");
        }
        return new FlowTarget(ip, protocol, Integer.parseInt(port));
    }

    private static Protocol icmp(IpAddress address) {
        return address.isV4() ? Protocol.ICMP : Protocol.ICMPV6;
    }

    private static Protocol protocol(String text, String name, IpAddress address) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tcp" -> Protocol.TCP;
            case "udp" -> Protocol.UDP;
            case "sctp" -> Protocol.SCTP;
            case "icmp", "icmpv6", "ping" -> icmp(address);
            default -> throw new InvalidSpecException("to", text, "protocol must be tcp, udp, sctp or icmp");
        };
    }

    @Override
    public String toString() {
        String host = address.isV4() ? address.toString() : "[" + address + "]";
        return protocol.hasPorts() ? host + ":" + port + "/" + protocol.name().toLowerCase(Locale.ROOT)
                : address + "/" + protocol.name().toLowerCase(Locale.ROOT);
    }
}
