package dev.uniplane.api;

/**
 * A CIDR prefix. Canonical: host bits are cleared at construction, so {@code 10.1.2.3/8} equals {@code 10.0.0.0/8}
 * (use {@link #parseStrict} to reject such input instead).
 */
public record IpPrefix(IpAddress address, int length) implements Comparable<IpPrefix> {

    public IpPrefix {
        Check.notNull("prefix.address", address);
        Check.range("prefix.length", length, 0, address.family().bits());
        address = address.masked(length);
    }

    /** Parses {@code a.b.c.d/len} or {@code v6/len}; a bare address is a host prefix (/32 or /128). */
    public static IpPrefix parse(String text) {
        return parse("prefix", text);
    }

    /** Like {@link #parse}, but rejects set host bits ({@code 10.0.0.1/24}), as {@code ip route} does. */
    public static IpPrefix parseStrict(String text) {
        IpPrefix prefix = parse(text);
        if (!prefix.address.equals(IpAddress.parse("prefix", text.contains("/") ? text.substring(0, text.indexOf('/')) : text))) {
            throw new InvalidSpecException("prefix", text, "host bits are set beyond /" + prefix.length + " (did you mean " + prefix + "?)");
        }
        return prefix;
    }

    static IpPrefix parse(String field, String text) {
        Check.notBlank(field, text);
        int slash = text.indexOf('/');
        IpAddress address = IpAddress.parse(field, slash < 0 ? text : text.substring(0, slash));
        if (slash < 0) {
            return host(address);
        }
        String len = text.substring(slash + 1).strip();
        if (!len.matches("\\d{1,3}")) {
            throw new InvalidSpecException(field, text, "prefix length must be a number");
        }
        int length = Integer.parseInt(len);
        if (length > address.family().bits()) {
            throw new InvalidSpecException(field, text, "prefix length " + length + " exceeds " + address.family().bits());
        }
        return new IpPrefix(address, length);
    }

    public static IpPrefix host(IpAddress address) {
        return new IpPrefix(address, address.family().bits());
    }

    public IpFamily family() {
        return address.family();
    }

    /** The default route of this family: {@code 0.0.0.0/0} or {@code ::/0}. */
    public static IpPrefix defaultRoute(IpFamily family) {
        return new IpPrefix(family == IpFamily.IPV4 ? IpAddress.ofV4(0) : IpAddress.ofV6(0, 0), 0);
    }

    public boolean contains(IpAddress other) {
        return other.family() == family() && other.masked(length).equals(address);
    }

    /** True when every address of {@code other} is in this prefix (a prefix contains itself). */
    public boolean contains(IpPrefix other) {
        return other.family() == family() && other.length >= length && contains(other.address);
    }

    public boolean overlaps(IpPrefix other) {
        return contains(other) || other.contains(this);
    }

    public boolean isHost() {
        return length == address.family().bits();
    }

    /** IPv4 before IPv6, then by network address, then shorter prefixes first (a prefix sorts before its subnets). */
    @Override
    public int compareTo(IpPrefix other) {
        int c = family().compareTo(other.family());
        if (c == 0) {
            c = address.compareTo(other.address);
        }
        return c != 0 ? c : Integer.compare(length, other.length);
    }

    @Override
    public String toString() {
        return address + "/" + length;
    }
}
