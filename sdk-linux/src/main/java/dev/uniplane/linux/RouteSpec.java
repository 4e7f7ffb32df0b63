package dev.uniplane.linux;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A route to program: destination, table, either a single gateway/device or ECMP next hops with weights, and the rtmsg
 * attributes scope, protocol, type, priority (metric), preferred source and RTA_METRICS. Build with {@link #to(IpPrefix)}.
 *
 * @param destination     destination prefix
 * @param table           routing table id (254 = main); ids above 255 go into RTA_TABLE
 * @param gateway         single-path gateway or {@code null}
 * @param ifIndex         single-path output interface or 0
 * @param nextHops        ECMP next hops (empty for a single path)
 * @param protocol        rtm_protocol (RTPROT_STATIC = 4 by default)
 * @param scope           rtm_scope (universe for gatewayed/multipath routes, link for device routes by default)
 * @param type            rtm_type (RTN_UNICAST = 1, RTN_BLACKHOLE = 6, ...)
 * @param priority        RTA_PRIORITY (the metric), or -1 for none
 * @param preferredSource RTA_PREFSRC or {@code null}
 * @param metrics         RTA_METRICS entries (RTAX_MTU = 2, RTAX_HOPLIMIT = 10, ...)
 */
public record RouteSpec(IpPrefix destination, int table, IpAddress gateway, int ifIndex, List<FibNextHop> nextHops,
                        int protocol, int scope, int type, int priority, IpAddress preferredSource,
                        Map<Integer, Integer> metrics) {
    public static final int TABLE_MAIN = 254;
    public static final int TABLE_LOCAL = 255;
    public static final int PROTO_KERNEL = 2;
    public static final int PROTO_BOOT = 3;
    public static final int PROTO_STATIC = 4;
    public static final int SCOPE_UNIVERSE = 0;
    public static final int SCOPE_LINK = 253;
    public static final int SCOPE_HOST = 254;
    public static final int SCOPE_NOWHERE = 255;
    public static final int TYPE_UNICAST = 1;
    public static final int TYPE_LOCAL = 2;
    public static final int TYPE_BLACKHOLE = 6;
    public static final int TYPE_UNREACHABLE = 7;
    public static final int TYPE_PROHIBIT = 8;
    public static final int RTAX_MTU = 2;
    public static final int RTAX_ADVMSS = 8;
    public static final int RTAX_HOPLIMIT = 10;

    public RouteSpec {
        nextHops = List.copyOf(nextHops);
        metrics = Map.copyOf(metrics);
    }

    /** Starts a builder for a route to {@code destination}. */
    public static Builder to(IpPrefix destination) {
        return new Builder(destination);
    }

    /** Starts a builder for a route to {@code "10.0.0.0/24"}; set host bits are refused, as {@code ip route} does. */
    public static Builder to(String destination) {
        return new Builder(IpPrefix.parseStrict(destination));
    }

    /** AF_INET (2) or AF_INET6 (10). */
    public int family() {
        return destination.family() == IpFamily.IPV4 ? RtNetlink.AF_INET : RtNetlink.AF_INET6;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(destination.toString());
        if (gateway != null) {
            sb.append(" via ").append(gateway);
        }
        if (ifIndex != 0) {
            sb.append(" dev #").append(ifIndex);
        }
        for (FibNextHop h : nextHops) {
            sb.append(" nexthop via ").append(h.gateway() == null ? "-" : h.gateway())
                    .append(" dev #").append(h.ifIndex()).append(" weight ").append(h.weight());
        }
        sb.append(" table ").append(table);
        if (priority >= 0) {
            sb.append(" metric ").append(priority);
        }
        return sb.toString();
    }

    /** Fluent builder; unset fields get iproute2-like defaults. */
    public static final class Builder {
        private final IpPrefix destination;
        private int table = TABLE_MAIN;
        private IpAddress gateway;
        private int ifIndex;
        private final List<FibNextHop> nextHops = new ArrayList<>();
        private int protocol = PROTO_STATIC;
        private int scope = -1;
        private int type = TYPE_UNICAST;
        private int priority = -1;
        private IpAddress preferredSource;
        private final Map<Integer, Integer> metrics = new TreeMap<>();

        private Builder(IpPrefix destination) {
            this.destination = destination;
        }

        public Builder table(int table) {
            this.table = table;
            return this;
        }

        public Builder via(IpAddress gateway) {
            this.gateway = gateway;
            return this;
        }

        public Builder via(String gateway) {
            return via(IpAddress.parse(gateway));
        }

        public Builder dev(int ifIndex) {
            this.ifIndex = ifIndex;
            return this;
        }

        public Builder nextHop(IpAddress gateway, int ifIndex, int weight) {
            nextHops.add(new FibNextHop(gateway, ifIndex, weight));
            return this;
        }

        public Builder nextHop(String gateway, int ifIndex, int weight) {
            return nextHop(IpAddress.parse(gateway), ifIndex, weight);
        }

        public Builder protocol(int protocol) {
            this.protocol = protocol;
            return this;
        }

        public Builder scope(int scope) {
            this.scope = scope;
            return this;
        }

        public Builder type(int type) {
            this.type = type;
            return this;
        }

        public Builder priority(int priority) {
            this.priority = priority;
            return this;
        }

        public Builder preferredSource(IpAddress source) {
            this.preferredSource = source;
            return this;
        }

        public Builder metric(int rtax, int value) {
            metrics.put(rtax, value);
            return this;
        }

        public RouteSpec build() {
            int s = scope;
            if (s < 0) {
                boolean deviceOnly = gateway == null && nextHops.isEmpty() && type == TYPE_UNICAST;
                s = deviceOnly && destination.family() == IpFamily.IPV4 ? SCOPE_LINK : SCOPE_UNIVERSE;
            }
            return new RouteSpec(destination, table, gateway, ifIndex, nextHops, protocol, s, type, priority,
                    preferredSource, metrics);
        }
    }
}
