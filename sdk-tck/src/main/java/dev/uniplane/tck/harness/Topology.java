package dev.uniplane.tck.harness;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test network of one verification class: a node namespace the dataplane runs in, an uplink veth from the node to
 * an outside namespace (router + outside hosts), and workload namespaces created on demand. Every name carries a
 * per-run prefix ({@code uptk} + 4 hex digits); {@link #close()} deletes everything, also after failed tests, and a
 * JVM shutdown hook covers aborted runs.
 *
 * <p>Addressing: workloads 10.100.0.0/16 and fd00:100::/64; uplink 10.254.0.1 (node) / 10.254.0.2 and 10.254.0.3
 * (gateways), fd00:254::1 / fd00:254::2; outside hosts 203.0.113.10-11 and 2001:db8:203::10.
 */
public final class Topology implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);
    public static final IpPrefix WORKLOAD_V4 = IpPrefix.parse("10.100.0.0/16");
    public static final IpPrefix WORKLOAD_V6 = IpPrefix.parse("fd00:100::/64");
    public static final IpPrefix OUTSIDE_V4 = IpPrefix.parse("203.0.113.0/24");
    public static final IpPrefix OUTSIDE_V6 = IpPrefix.parse("2001:db8:203::/64");
    /** The node's addresses on the uplink, as {@code ip addr} shows them: a dataplane must leave them there. */
    public static final java.util.List<String> UPLINK_ADDRESSES = java.util.List.of("10.254.0.1/24", "fd00:254::1/64");

    private final String prefix;
    private final NetNs node;
    private final Outside outside;
    private final String uplink;
    private final java.util.Map<String, NetNs> namespaces = new java.util.LinkedHashMap<>();
    private final Thread cleanupHook;
    private int workloads;

    private Topology(String prefix) {
        this.prefix = prefix;
        this.uplink = prefix + "up";
        this.cleanupHook = Thread.ofPlatform().unstarted(this::deleteNamespaces);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
        try {
            this.node = createNamespace(prefix + "-node");
            NetNs router = createNamespace(prefix + "-out");
            this.outside = wireOutside(router);
        } catch (RuntimeException e) {
            deleteNamespaces();
            throw e;
        }
    }

    /** Builds the node and outside namespaces with the uplink between them. Needs root. */
    public static Topology create() {
        return new Topology("uptk" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt()));
    }

    private Outside wireOutside(NetNs router) {
        try (RtNetlink nodeLinks = RtNetlink.open(node); RtNetlink routerLinks = RtNetlink.open(router)) {
            nodeLinks.createVethPair(uplink, prefix + "rt", router);
            int up = nodeLinks.index(uplink);
            nodeLinks.addAddress(up, dev.uniplane.linux.InterfaceAddress.parse(UPLINK_ADDRESSES.get(0)));
            nodeLinks.addAddress(up, dev.uniplane.linux.InterfaceAddress.parse(UPLINK_ADDRESSES.get(1)), dev.uniplane.linux.AddressInfo.IFA_F_NODAD);
            nodeLinks.setUp(up, true);
            nodeLinks.setUp(nodeLinks.index("lo"), true);

            int rt = routerLinks.index(prefix + "rt");
            routerLinks.addAddress(rt, dev.uniplane.linux.InterfaceAddress.parse("10.254.0.2/24"));
            routerLinks.addAddress(rt, dev.uniplane.linux.InterfaceAddress.parse("10.254.0.3/24"));
            routerLinks.addAddress(rt, dev.uniplane.linux.InterfaceAddress.parse("fd00:254::2/64"), dev.uniplane.linux.AddressInfo.IFA_F_NODAD);
            routerLinks.setUp(rt, true);
            int lo = routerLinks.index("lo");
            routerLinks.setUp(lo, true);
            for (String host : List.of("203.0.113.10/32", "203.0.113.11/32", "2001:db8:203::10/128")) {
                routerLinks.addAddress(lo, dev.uniplane.linux.InterfaceAddress.parse(host), dev.uniplane.linux.AddressInfo.IFA_F_NODAD);
            }
            // Replies to workloads go back through the node's uplink address.
            routerLinks.addRoute(RouteSpec.to(WORKLOAD_V4.toString()).via("10.254.0.1").build());
            routerLinks.addRoute(RouteSpec.to(WORKLOAD_V6.toString()).via("fd00:254::1").build());
        }
        return new Outside(router, List.of(IpAddress.parse("10.254.0.2"), IpAddress.parse("10.254.0.3"), IpAddress.parse("fd00:254::2")),
                List.of(IpAddress.parse("203.0.113.10"), IpAddress.parse("203.0.113.11"), IpAddress.parse("2001:db8:203::10")));
    }

    private NetNs createNamespace(String name) {
        NetNs ns = NetNs.create(name);
        namespaces.put(name, ns);
        return ns;
    }

    /** The per-run name prefix; providers under test may use it for their own objects. */
    public String prefix() {
        return prefix;
    }

    /** Path of the node namespace, for {@code DataplaneConfig.hostNetns}. */
    public String nodeNetnsPath() {
        return node.path().toString();
    }

    public NetNs node() {
        return node;
    }

    /** The uplink's name in the node namespace, for {@code DataplaneConfig.uplink}. */
    public String uplink() {
        return uplink;
    }

    public Outside outside() {
        return outside;
    }

    /**
     * A fresh workload namespace and the spec to attach it: IPv4 10.100.0.N (and fd00:100::N when {@code ipv6}),
     * interface eth0, the given labels.
     */
    public Workload workload(String id, boolean ipv6, String... labelKeyValues) {
        return workload(id, ipv6, List.of(dev.uniplane.api.AttachKind.VETH), labelKeyValues);
    }

    /** Like {@link #workload(String, boolean, String...)}, asking for the given attachment kinds (best first). */
    public Workload workload(String id, boolean ipv6, List<dev.uniplane.api.AttachKind> kinds, String... labelKeyValues) {
        int n = ++workloads + 1;
        NetNs ns = createNamespace(prefix + "-w" + n);
        AttachSpec.Builder spec = AttachSpec.builder(id).netns(ns.path().toString()).interfaceName("eth0")
                .address("10.100." + (n / 250) + "." + (n % 250 + 2)).labels(labelKeyValues)
                .kinds(kinds.toArray(dev.uniplane.api.AttachKind[]::new));
        if (ipv6) {
            spec.address("fd00:100::" + Integer.toHexString(n + 1));
        }
        return new Workload(id, ns, spec.build());
    }

    /** Deletes a workload namespace before the topology ends (to test detach after the netns is gone). */
    public void deleteNamespace(Host host) {
        String name = host.netns().name();
        NetNs ns = namespaces.remove(name);
        if (ns != null) {
            ns.close();
            NetNs.delete(name);
        }
    }

    @Override
    public void close() {
        deleteNamespaces();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already
        }
    }

    private synchronized void deleteNamespaces() {
        for (String name : List.copyOf(namespaces.keySet()).reversed()) {
            NetNs ns = namespaces.remove(name);
            try {
                ns.close();
                NetNs.delete(name);
            } catch (LinuxException | IllegalArgumentException e) {
                LOG.warn("cleanup: cannot delete netns {}: {}", name, e.getMessage());
            }
        }
    }
}
