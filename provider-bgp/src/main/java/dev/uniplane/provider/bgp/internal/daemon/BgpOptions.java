package dev.uniplane.provider.bgp.internal.daemon;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.provider.bgp.internal.wire.BgpPeerConfig;
import dev.uniplane.provider.bgp.internal.wire.BgpRoute;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The BGP provider's {@link DataplaneConfig} options, parsed and checked at open; a bad value is an
 * {@link InvalidSpecException} naming {@code options.<key>} and the value.
 * <ul>
 * <li>{@code bgp.local-as} (default 64512), {@code bgp.router-id} (an IPv4 address; default: the uplink's first IPv4
 * address), {@code bgp.listen-port} (default 179; -1: do not listen);</li>
 * <li>{@code bgp.peers}: neighbors separated by {@code ;}, each {@code ADDRESS,as=N[,ttl=N][,md5=PASSWORD][,passive]
 * [,rr-client][,port=N][,families=ipv4+ipv6]} (ttl: eBGP multihop; a password may not contain {@code ,} or
 * {@code ;}; families: what the session negotiates, by default the family of the peer's address; both on one session
 * is MP-BGP);</li>
 * <li>{@code bgp.ipv4}, {@code bgp.ipv6}: IPv4/IPv6 unicast at all (default both);</li>
 * <li>{@code bgp.graceful-restart} (default false) and {@code bgp.restart-time} (1s..4095s, default 120s);</li>
 * <li>{@code bgp.multipath} (ECMP over equal paths, default true);</li>
 * <li>{@code bgp.communities}: {@code AS:VALUE} list attached to every announced prefix;</li>
 * <li>{@code bgp.pod-cidr}: prefixes announced for this node, comma-separated;</li>
 * <li>{@code bgp.announce-endpoints}: also announce each endpoint's /32 (/128) (default false);</li>
 * <li>{@code bgp.grpc}: {@code HOST:PORT} of a running gobgpd to drive instead of starting one (a loopback address
 * is reached inside the node namespace);</li>
 * <li>{@code bgp.daemon-gogc}: the GOGC of the gobgpd this dataplane starts (10..10000, default
 * {@value #DEFAULT_DAEMON_GOGC}, Go's default; a higher value trades memory for speed when learning large tables).</li>
 * </ul>
 */
public record BgpOptions(long localAs, Optional<IpAddress> routerId, int listenPort, List<BgpPeerConfig> peers,
                         Set<IpFamily> families, Optional<Duration> gracefulRestart, boolean multipath,
                         List<Long> communities, List<IpPrefix> podCidrs, boolean announceEndpoints,
                         Optional<InetSocketAddress> grpc, int daemonGoGc) {
    public static final String LOCAL_AS = "bgp.local-as";
    public static final String ROUTER_ID = "bgp.router-id";
    public static final String LISTEN_PORT = "bgp.listen-port";
    public static final String PEERS = "bgp.peers";
    public static final String IPV4 = "bgp.ipv4";
    public static final String IPV6 = "bgp.ipv6";
    public static final String GRACEFUL_RESTART = "bgp.graceful-restart";
    public static final String RESTART_TIME = "bgp.restart-time";
    public static final String MULTIPATH = "bgp.multipath";
    public static final String COMMUNITIES = "bgp.communities";
    public static final String POD_CIDR = "bgp.pod-cidr";
    public static final String ANNOUNCE_ENDPOINTS = "bgp.announce-endpoints";
    public static final String GRPC = "bgp.grpc";
    public static final String DAEMON_GOGC = "bgp.daemon-gogc";
    /** Every option key the provider knows. */
    public static final Set<String> KEYS = Set.of(LOCAL_AS, ROUTER_ID, LISTEN_PORT, PEERS, IPV4, IPV6, GRACEFUL_RESTART,
            RESTART_TIME, MULTIPATH, COMMUNITIES, POD_CIDR, ANNOUNCE_ENDPOINTS, GRPC, DAEMON_GOGC);
    /**
     * gobgpd's Go garbage collector target (GOGC), Go's own default. 400 made gobgpd learn 100k paths 5-10 % faster
     * here, at twice the resident memory (310 MiB instead of 160 MiB; docs/performance.md).
     */
    public static final int DEFAULT_DAEMON_GOGC = 100;
    /** A private AS (RFC 6996) when none is given. */
    public static final long DEFAULT_AS = 64512;
    private static final Duration DEFAULT_RESTART_TIME = Duration.ofSeconds(120);
    /** The restart time is a 12-bit field of the graceful-restart capability (RFC 4724). */
    private static final long MAX_RESTART_SECONDS = 4095;

    public BgpOptions {
        peers = List.copyOf(peers);
        families = Set.copyOf(families);
        communities = List.copyOf(communities);
        podCidrs = List.copyOf(podCidrs);
    }

    /** Parses and checks the options of {@code config}; unknown keys are refused. */
    public static BgpOptions parse(DataplaneConfig config, String providerName) {
        config.rejectUnknownOptions(providerName, KEYS);
        long asn = longOption(config, LOCAL_AS, DEFAULT_AS);
        if (asn < 1 || asn > 0xffff_ffffL) {
            throw invalid(config, LOCAL_AS, "must be an AS number in 1..4294967295");
        }
        Optional<IpAddress> routerId = config.option(ROUTER_ID).map(v -> {
            IpAddress id = address(ROUTER_ID, v);
            if (id.family() != IpFamily.IPV4) {
                throw new InvalidSpecException("options." + ROUTER_ID, v, "must be an IPv4 address");
            }
            return id;
        });
        int port = config.intOption(LISTEN_PORT, 179);
        if (port < -1 || port == 0 || port > 65535) {
            throw invalid(config, LISTEN_PORT, "must be a TCP port in 1..65535, or -1 (do not listen)");
        }
        Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
        if (config.boolOption(IPV4, true)) {
            families.add(IpFamily.IPV4);
        }
        if (config.boolOption(IPV6, true)) {
            families.add(IpFamily.IPV6);
        }
        if (families.isEmpty()) {
            throw invalid(config, IPV6, "bgp.ipv4 and bgp.ipv6 are both false: no address family left");
        }
        Optional<Duration> gracefulRestart = Optional.empty();
        Duration restartTime = config.durationOption(RESTART_TIME, DEFAULT_RESTART_TIME);
        if (restartTime.toSeconds() < 1 || restartTime.toSeconds() > MAX_RESTART_SECONDS) {
            throw invalid(config, RESTART_TIME, "must be 1s..4095s");
        }
        if (config.boolOption(GRACEFUL_RESTART, false)) {
            gracefulRestart = Optional.of(restartTime);
        }
        List<BgpPeerConfig> peers = peers(config.option(PEERS).orElse(""), families, gracefulRestart);
        List<Long> communities = new ArrayList<>();
        for (String c : list(config.option(COMMUNITIES).orElse(""), ",")) {
            communities.add(community(c, config));
        }
        List<IpPrefix> podCidrs = new ArrayList<>();
        for (String p : list(config.option(POD_CIDR).orElse(""), ",")) {
            try {
                podCidrs.add(IpPrefix.parseStrict(p));
            } catch (IllegalArgumentException | InvalidSpecException e) {
                throw new InvalidSpecException("options." + POD_CIDR, config.option(POD_CIDR).get(),
                        "'" + p + "' is not a prefix without host bits (e.g. 10.244.1.0/24)");
            }
        }
        Optional<InetSocketAddress> grpc = config.option(GRPC).map(BgpOptions::hostPort);
        int goGc = config.intOption(DAEMON_GOGC, DEFAULT_DAEMON_GOGC);
        if (goGc < 10 || goGc > 10_000) {
            throw invalid(config, DAEMON_GOGC, "must be a percentage in 10..10000 (Go's GOGC)");
        }
        return new BgpOptions(asn, routerId, port, peers, families, gracefulRestart, config.boolOption(MULTIPATH, true),
                communities, podCidrs, config.boolOption(ANNOUNCE_ENDPOINTS, false), grpc, goGc);
    }

    private static List<BgpPeerConfig> peers(String value, Set<IpFamily> families, Optional<Duration> gracefulRestart) {
        List<BgpPeerConfig> peers = new ArrayList<>();
        Set<IpAddress> seen = new HashSet<>();
        for (String spec : list(value, ";")) {
            String[] fields = spec.split(",");
            IpAddress address = peerField(value, spec, () -> IpAddress.parse(fields[0].strip()), "does not start with a peer address");
            Long asn = null;
            int ttl = 0;
            int remotePort = 0;
            Optional<String> md5 = Optional.empty();
            Set<IpFamily> peerFamilies = EnumSet.of(address.family());
            boolean passive = false;
            boolean rrClient = false;
            for (int i = 1; i < fields.length; i++) {
                String f = fields[i].strip();
                int eq = f.indexOf('=');
                String key = eq < 0 ? f : f.substring(0, eq);
                String v = eq < 0 ? "" : f.substring(eq + 1);
                switch (key) {
                    case "as" -> asn = peerField(value, spec, () -> Long.parseLong(v), "as=" + v + " is not a number");
                    case "ttl" -> ttl = peerField(value, spec, () -> Integer.parseInt(v), "ttl=" + v + " is not a number");
                    case "port" -> remotePort = peerField(value, spec, () -> Integer.parseInt(v), "port=" + v + " is not a number");
                    case "md5" -> md5 = Optional.of(v);
                    case "passive" -> passive = true;
                    case "rr-client" -> rrClient = true;
                    case "families" -> peerFamilies = peerField(value, spec, () -> familiesOf(v), "families=" + v
                            + " is not ipv4, ipv6 or ipv4+ipv6");
                    default -> throw new InvalidSpecException("options." + PEERS, value, "peer '" + spec + "': unknown field '" + f
                            + "' (known: as=, ttl=, md5=, port=, families=, passive, rr-client)");
                }
            }
            if (asn == null) {
                throw new InvalidSpecException("options." + PEERS, value, "peer '" + spec + "' has no as=N");
            }
            if (!seen.add(address)) {
                throw new InvalidSpecException("options." + PEERS, value, "peer " + address + " is listed twice");
            }
            peerFamilies.retainAll(families);
            if (peerFamilies.isEmpty()) {
                throw new InvalidSpecException("options." + PEERS, value, "peer '" + spec + "' has no address family left"
                        + " (bgp.ipv4/bgp.ipv6 turn its family off)");
            }
            try {
                BgpPeerConfig peer = new BgpPeerConfig(address, asn, ttl, md5, passive, rrClient, peerFamilies, gracefulRestart,
                        remotePort);
                peers.add(peer);
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("options." + PEERS, value, "peer '" + spec + "': " + e.getMessage());
            }
        }
        return peers;
    }

    private static Set<IpFamily> familiesOf(String v) {
        Set<IpFamily> set = EnumSet.noneOf(IpFamily.class);
        for (String f : v.split("\\+")) {
            set.add(switch (f.strip()) {
                case "ipv4" -> IpFamily.IPV4;
                case "ipv6" -> IpFamily.IPV6;
                default -> throw new IllegalArgumentException(f);
            });
        }
        return set;
    }

    private static <T> T peerField(String value, String spec, java.util.function.Supplier<T> parse, String problem) {
        try {
            return parse.get();
        } catch (RuntimeException e) {
            throw new InvalidSpecException("options." + PEERS, value, "peer '" + spec + "' " + problem);
        }
    }

    private static long community(String text, DataplaneConfig config) {
        String[] parts = text.split(":");
        try {
            if (parts.length == 2) {
                int asn = Integer.parseInt(parts[0].strip());
                int value = Integer.parseInt(parts[1].strip());
                if (asn >= 0 && asn <= 0xffff && value >= 0 && value <= 0xffff) {
                    return BgpRoute.community(asn, value);
                }
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InvalidSpecException("options." + COMMUNITIES, config.option(COMMUNITIES).get(),
                "'" + text + "' is not a community AS:VALUE with both in 0..65535");
    }

    private static InetSocketAddress hostPort(String value) {
        int colon = value.lastIndexOf(':');
        try {
            String host = value.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(value.substring(colon + 1));
            if (port < 1 || port > 65535 || host.isBlank()) {
                throw new IllegalArgumentException();
            }
            return new InetSocketAddress(java.net.InetAddress.ofLiteral(host), port);
        } catch (RuntimeException e) {
            throw new InvalidSpecException("options." + GRPC, value, "must be ADDRESS:PORT of a running gobgpd's API");
        }
    }

    private static IpAddress address(String key, String value) {
        try {
            return IpAddress.parse(value.strip());
        } catch (RuntimeException e) {
            throw new InvalidSpecException("options." + key, value, "is not an IP address");
        }
    }

    private static long longOption(DataplaneConfig config, String key, long defaultValue) {
        String v = config.option(key).orElse(null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw invalid(config, key, "must be a number");
        }
    }

    private static InvalidSpecException invalid(DataplaneConfig config, String key, String reason) {
        return new InvalidSpecException("options." + key, config.option(key).orElse(""), reason);
    }

    private static List<String> list(String value, String separator) {
        List<String> items = new ArrayList<>();
        for (String item : value.split(separator)) {
            if (!item.isBlank()) {
                items.add(item.strip());
            }
        }
        return items;
    }

    /** The same with the router id resolved (the uplink's first IPv4 address when not given). */
    public BgpOptions withRouterId(IpAddress id) {
        return new BgpOptions(localAs, Optional.of(id), listenPort, peers, families, gracefulRestart, multipath, communities,
                podCidrs, announceEndpoints, grpc, daemonGoGc);
    }
}
