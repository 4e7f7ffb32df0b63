package dev.uniplane.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/** Validation helpers shared by the model records; every failure names the field and the value. */
final class Check {
    private Check() {
    }

    static <T> T notNull(String field, T value) {
        if (value == null) {
            throw new InvalidSpecException(field, null, "must not be null");
        }
        return value;
    }

    static String notBlank(String field, String value) {
        notNull(field, value);
        if (value.isBlank()) {
            throw new InvalidSpecException(field, value, "must not be blank");
        }
        return value;
    }

    static int range(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidSpecException(field, value, "must be between " + min + " and " + max);
        }
        return value;
    }

    private static final IpPrefix[] NOT_ENDPOINT_V4 = {
            IpPrefix.parse("0.0.0.0/8"), IpPrefix.parse("127.0.0.0/8"), IpPrefix.parse("169.254.0.0/16"),
            IpPrefix.parse("224.0.0.0/4"), IpPrefix.parse("255.255.255.255/32")};
    private static final String[] NOT_ENDPOINT_V4_WHY = {
            "is in 0.0.0.0/8 (unspecified / this network)", "is a loopback address (127.0.0.0/8)",
            "is link-local (169.254.0.0/16), where the providers put the workloads' gateway 169.254.1.1",
            "is a multicast address (224.0.0.0/4)", "is the limited broadcast address"};
    private static final IpPrefix[] NOT_ENDPOINT_V6 = {
            IpPrefix.parse("::/128"), IpPrefix.parse("::1/128"), IpPrefix.parse("::ffff:0:0/96"),
            IpPrefix.parse("fe80::/10"), IpPrefix.parse("ff00::/8")};
    private static final String[] NOT_ENDPOINT_V6_WHY = {
            "is the unspecified address", "is the loopback address",
            "is an IPv4-mapped address (::ffff:0:0/96); write the IPv4 address itself",
            "is link-local (fe80::/10), where the providers put the workloads' gateway fe80::1",
            "is a multicast address (ff00::/8)"};

    /**
     * An address a workload (local or remote) may own: unicast and routable. Refuses unspecified, loopback,
     * link-local (the gateway range), multicast, broadcast and IPv4-mapped IPv6 addresses.
     */
    static IpAddress endpointAddress(String field, IpAddress address) {
        notNull(field, address);
        boolean v4 = address.isV4();
        IpPrefix[] refused = v4 ? NOT_ENDPOINT_V4 : NOT_ENDPOINT_V6;
        for (int i = 0; i < refused.length; i++) {
            if (refused[i].contains(address)) {
                throw new InvalidSpecException(field, address, (v4 ? NOT_ENDPOINT_V4_WHY : NOT_ENDPOINT_V6_WHY)[i]
                        + ": not usable as an endpoint address");
            }
        }
        return address;
    }

    /**
     * A Linux interface name as the kernel's dev_valid_name accepts it: 1-15 bytes (IFNAMSIZ 16 with the NUL), not
     * {@code .} or {@code ..}, without '/', ':', whitespace or control characters (a NUL would cut the name short).
     */
    static String interfaceName(String field, String name) {
        notNull(field, name);
        int bytes = name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes < 1 || bytes > 15) {
            throw new InvalidSpecException(field, name, "an interface name must be 1-15 bytes, is " + bytes);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidSpecException(field, name, "an interface name cannot be . or ..");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                throw new InvalidSpecException(field, name, String.format("an interface name cannot contain U+%04X (no '/', ':',"
                        + " whitespace or control characters)", (int) c));
            }
        }
        return name;
    }

    /** Copies a list, rejecting null elements and reporting element errors under {@code field[i]}. */
    static <T> List<T> list(String field, Collection<T> values, Consumer<T> elementCheck) {
        notNull(field, values);
        List<T> copy = new ArrayList<>(values.size());
        int i = 0;
        for (T value : values) {
            String element = field + "[" + i + "]";
            notNull(element, value);
            try {
                elementCheck.accept(value);
            } catch (InvalidSpecException e) {
                throw e.within(element);
            }
            copy.add(value);
            i++;
        }
        return List.copyOf(copy);
    }

    static <T> List<T> list(String field, Collection<T> values) {
        return list(field, values, v -> { });
    }
}
