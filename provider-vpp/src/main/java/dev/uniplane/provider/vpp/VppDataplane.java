package dev.uniplane.provider.vpp;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.Ethtool;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.UplinkSnapshot;
import dev.uniplane.linux.VethWorkload;
import dev.uniplane.linux.WorkloadInterface;
import dev.uniplane.provider.vpp.internal.host.VppConnection;
import dev.uniplane.provider.vpp.internal.host.VppInterfaces;
import dev.uniplane.provider.vpp.internal.host.VppProcess;
import dev.uniplane.provider.vpp.internal.host.Wiring;
import dev.uniplane.provider.vpp.internal.program.AclCounters;
import dev.uniplane.provider.vpp.internal.program.AclEndpoint;
import dev.uniplane.provider.vpp.internal.program.AclProgram;
import dev.uniplane.provider.vpp.internal.program.FibProgram;
import dev.uniplane.provider.vpp.internal.state.VppEndpointState;
import dev.uniplane.provider.vpp.internal.state.VppState;
import dev.uniplane.provider.vpp.internal.stats.InterfaceCounters;
import dev.uniplane.provider.vpp.internal.stats.VethCounters;
import dev.uniplane.provider.vpp.internal.wire.Messages.FibPath;
import dev.uniplane.provider.vpp.internal.wire.VppApiClient;
import dev.uniplane.spi.AbstractDataplane;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.BackendErrors;
import dev.uniplane.spi.HostInterfaceNames;
import dev.uniplane.spi.NamespaceErrors;
import dev.uniplane.spi.policy.PolicyEndpoint;
import dev.uniplane.spi.policy.PolicyResolver;
import dev.uniplane.spi.policy.ResolvedPolicy;
import dev.uniplane.spi.state.SavedDataplane;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VPP dataplane: a VPP process (started and owned per dataplane in the node namespace, or one that runs already,
 * {@value #OPTION_SOCKET}) driven over its binary API. Each workload gets a veth whose host end VPP reads as an
 * af_packet interface; the workload's gateway (169.254.1.1, fe80::1) is pinned in a permanent neighbour entry to
 * {@link #GATEWAY_MAC}, the MAC of every endpoint interface, which borrows the gateway loopback's address
 * ("unnumbered") so VPP routes what it receives. VPP delivers to an endpoint through a host route out of its interface
 * and a static neighbour entry. The uplink is an af_packet interface on the node's uplink with the uplink's addresses,
 * so VPP resolves the outside gateways itself. Routes go into VPP's FIB ({@link FibProgram}); the FIB is what
 * {@link VppInspector} reads back.
 *
 * <p>VPP keeps nothing across its own restarts: the dataplane watches the API connection and, when VPP is back
 * (restarted here when the dataplane owns it), programs the whole desired state again and logs how long that took.
 * {@link #close()} leaves VPP running with everything in force and the saved state written; the next open of the name
 * takes it over ({@link VppAdoption}). The desired state is the SPI's ({@link #desired()}); this class keeps handles.
 */
final class VppDataplane extends AbstractDataplane {
    private static final Logger LOG = LoggerFactory.getLogger(VppDataplane.class);
    /** The MAC of the workloads' gateway: every endpoint interface in VPP has it ("upv" + 1, locally administered). */
    static final MacAddress GATEWAY_MAC = MacAddress.parse("02:75:70:76:00:01");
    /** The MAC of the gateway loopback, by which a later process finds it again. */
    static final MacAddress LOOPBACK_MAC = MacAddress.parse("02:75:70:76:00:02");
    static final String OPTION_SOCKET = "vpp.socket";
    static final String OPTION_MAIN_HEAP = "vpp.main-heap";
    static final String OPTION_BUFFERS = "vpp.buffers";
    static final String OPTION_START_TIMEOUT = "vpp.start-timeout";
    static final Set<String> OPTIONS = Set.of(OPTION_SOCKET, OPTION_MAIN_HEAP, OPTION_BUFFERS, OPTION_START_TIMEOUT);
    static final int MAX_ENDPOINTS = 4096;

    private final NetNs node;
    final RtNetlink nodeLinks;
    final VppProcess vpp;
    final VppConnection api;
    final VppInterfaces interfaces;
    final FibProgram fib;
    /** A veth endpoint's counters: the host end counts exactly the workload's packets (not VPP's own ND/MLD). */
    private final InterfaceCounters vethCounters;
    /** A memif endpoint has no kernel side: its counters come from VPP's stats segment. */
    private final InterfaceCounters memifCounters;
    private final boolean policyEnabled;
    final Map<EndpointId, Wiring> wirings = new LinkedHashMap<>();
    final BitSet slots = new BitSet();
    int loopback = -1;
    int uplink = -1;
    private AclProgram acl;
    private volatile boolean released;
    private Thread recovery;

    private VppDataplane(DataplaneConfig config, Capabilities capabilities, NetNs node, RtNetlink nodeLinks,
                         VppProcess vpp, VppApiClient client) {
        super(VppProvider.NAME, config, capabilities);
        this.node = node;
        this.nodeLinks = nodeLinks;
        this.vpp = vpp;
        this.api = new VppConnection(client);
        this.interfaces = new VppInterfaces(api);
        this.fib = new FibProgram(api);
        this.vethCounters = new VethCounters(nodeLinks);
        // One mapping of VPP's stats segment for every counter reader: memif endpoints and the ACL program.
        var stats = new dev.uniplane.provider.vpp.internal.stats.StatsSegmentSource(vpp.statsSocket());
        this.memifCounters = new dev.uniplane.provider.vpp.internal.stats.SegmentCounters(stats);
        this.policyEnabled = capabilities.has(Capability.POLICY);
        this.acl = policyEnabled ? new AclProgram(client, stats) : null;
    }

    /** The settings the options ask for, each refused with the option and value it names. */
    static VppProcess.Settings settings(DataplaneConfig config, Path binary) {
        config.rejectUnknownOptions(VppProvider.NAME, OPTIONS);
        Optional<Path> socket = config.option(OPTION_SOCKET).map(s -> {
            if (s.isBlank() || !s.startsWith("/")) {
                throw new InvalidSpecException("options." + OPTION_SOCKET, s, "must be the absolute path of a running "
                        + "VPP's API socket (socksvr socket-name)");
            }
            return Path.of(s);
        });
        String heap = config.stringOption(OPTION_MAIN_HEAP, "256M");
        if (!heap.matches("[1-9][0-9]{0,5}[KMG]?")) {
            throw new InvalidSpecException("options." + OPTION_MAIN_HEAP, heap, "must be a size such as 256M or 1G");
        }
        String buffersText = config.stringOption(OPTION_BUFFERS, "8192");
        int buffers;
        try {
            buffers = Integer.parseInt(buffersText);
        } catch (NumberFormatException e) {
            buffers = -1;
        }
        if (buffers < 1024 || buffers > 1 << 20) {
            throw new InvalidSpecException("options." + OPTION_BUFFERS, buffersText, "must be a number of buffers from "
                    + "1024 to 1048576");
        }
        Duration timeout = config.durationOption(OPTION_START_TIMEOUT, Duration.ofSeconds(30));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidSpecException("options." + OPTION_START_TIMEOUT, timeout, "must be positive");
        }
        return new VppProcess.Settings(binary, socket, heap, buffers, timeout);
    }

    static VppDataplane open(DataplaneConfig config, Capabilities capabilities, Path binary) {
        VppProcess.Settings settings = settings(config, binary);
        NetNs node = NetNs.open(config.hostNetnsPath().map(Path::of), e -> NamespaceErrors.node(config, e.errnoName()));
        RtNetlink links = null;
        VppProcess vpp = null;
        VppApiClient client = null;
        Path record = UplinkSnapshot.recordFile(VppProvider.NAME, config.name());
        boolean recorded = false;
        try {
            links = RtNetlink.open(node);
            if (config.uplinkInterface().isPresent()) {
                String name = config.uplinkInterface().get();
                if (links.findLink(name).isEmpty()) {
                    throw new InvalidSpecException("uplink", name, "no such interface in the node namespace " + node.path());
                }
                UplinkSnapshot.recordOnce(record, links, name);
                recorded = true;
            }
            Path stateFile = SavedDataplane.file(VppProvider.NAME, config.name());
            Optional<SavedDataplane> saved = VppAdoption.savedState(stateFile);
            vpp = VppProcess.startOrFind(settings, config.name(), config.hostNetnsPath().map(Path::of));
            client = vpp.connect("uniplane-" + config.name());
            VppDataplane dp = new VppDataplane(config, capabilities, node, links, vpp, client);
            dp.programBase(saved.isPresent());
            dp.keepSavedState(stateFile, saved);
            dp.watchConnection(client);
            LOG.info("VPP dataplane {} open in {} (VPP {} at {}, uplink {})", config.name(),
                    config.hostNetnsPath().orElse("the caller's namespace"),
                    vpp.owned() ? "pid " + vpp.pid().map(String::valueOf).orElse("?") : "external", vpp.apiSocket(),
                    config.uplinkInterface().orElse("none"));
            return dp;
        } catch (RuntimeException e) {
            if (client != null) {
                client.close();
            }
            if (vpp != null) {
                vpp.stop();
            }
            if (recorded) {
                UplinkSnapshot.restoreRecorded(record, links);
            }
            if (links != null) {
                links.close();
            }
            node.close();
            throw BackendErrors.translate("open dataplane " + config.name(), e);
        }
    }

    // --- what every VPP of this dataplane holds -------------------------------------------------------------------

    /** The gateway loopback and the uplink interface with the uplink's addresses. */
    void programBase(boolean replay) {
        loopback = interfaces.ensureLoopback(LOOPBACK_MAC, WorkloadInterface.GATEWAY_V4);
        if (config().uplinkInterface().isPresent()) {
            String name = config().uplinkInterface().get();
            LinkInfo link = nodeLinks.link(name);
            uplink = interfaces.ensureAfPacket(name, link.mac(), true);
            interfaces.enableIp6(uplink);
            for (int family : new int[] {RtNetlink.AF_INET, RtNetlink.AF_INET6}) {
                for (AddressInfo a : nodeLinks.addresses(family, link.index())) {
                    if (a.scope() == 0) { // global only: VPP makes its own IPv6 link-local address
                        interfaces.addAddress(uplink, a.prefix().address(), a.prefix().prefixLength(), replay);
                    }
                }
            }
        }
    }

    /**
     * Makes (or, on a replay, finds) an endpoint's VPP interface and wires it: up, the gateway's address borrowed,
     * IPv6 on, a static neighbour per address. A veth endpoint's interface is an af_packet interface on its host end;
     * a memif endpoint's a memif server on its socket file ({@code memif} = {index, socket id} of one VPP still has,
     * or null). Routes are the FIB program's. On a failure what it made is removed again.
     */
    Wiring plug(int slot, String hostName, MacAddress mac, AttachSpec spec, AttachKind kind, boolean replay,
                int[] memif) {
        int index;
        int socket = -1;
        if (kind == AttachKind.MEMIF) {
            int[] made = memif != null ? memif : interfaces.createMemif(Path.of(hostName), GATEWAY_MAC);
            index = made[0];
            socket = made[1];
        } else {
            index = interfaces.ensureAfPacket(hostName, GATEWAY_MAC, false);
        }
        Wiring wiring = new Wiring(slot, hostName, index, mac, spec, kind, socket);
        try {
            interfaces.borrowGateway(index, loopback, replay, spec.addresses().stream().anyMatch(a -> !a.isV4()));
            for (IpAddress a : spec.addresses()) {
                interfaces.neighbour(index, a, mac, true);
            }
            return wiring;
        } catch (RuntimeException e) {
            if (!replay) {
                unplug(wiring);
            }
            throw e;
        }
    }

    /** Removes an endpoint's VPP interface (with its neighbour entries) and, for memif, its socket; never throws. */
    void unplug(Wiring w) {
        if (w.memif()) {
            interfaces.deleteMemifQuietly(w.swIfIndex(), w.memifSocket());
            try {
                java.nio.file.Files.deleteIfExists(Path.of(w.hostName()));
            } catch (java.io.IOException e) {
                LOG.warn("cannot remove {}: {}", w.hostName(), e.toString());
            }
        } else {
            interfaces.deleteAfPacketQuietly(w.hostName());
        }
    }

    // --- attach ---------------------------------------------------------------------------------------------------

    @Override
    protected Endpoint backendAttach(AttachSpec spec, AttachKind kind) {
        int slot = freeSlot();
        if (slot >= MAX_ENDPOINTS) {
            throw new BackendException("attach " + spec.id(), "ENOSPC", "more than " + MAX_ENDPOINTS + " endpoints");
        }
        MacAddress mac = spec.macAddress().orElseGet(() -> MacAddress.locallyAdministered(
                ((long) name().hashCode() << 16) ^ slot ^ ((long) spec.id().hashCode() << 24)));
        boolean memif = kind == AttachKind.MEMIF;
        String hostName = memif ? memifSocket(slot).toString() : hostInterfaceName(slot);
        boolean linked = false;
        Wiring wiring = null;
        try {
            if (memif) {
                // A VPP-native (or DPDK) workload connects to the socket itself: nothing is made in its namespace.
                java.nio.file.Files.createDirectories(Path.of(hostName).getParent());
            } else {
                // Checksum offload off: VPP's af_packet reads the frames without the kernel's checksum metadata.
                VethWorkload.create(nodeLinks, hostName, spec, mac, GATEWAY_MAC, EnumSet.of(Ethtool.Offload.TX_CHECKSUM));
                linked = true;
                quietHostEnd(hostName);
                nodeLinks.setUp(hostName, true);
            }
            wiring = plug(slot, hostName, mac, spec, kind, false, null);
            if (!memif && spec.addresses().stream().anyMatch(a -> !a.isV4())) {
                awaitMldReport(hostName);
            }
            Map<EndpointId, Wiring> next = new LinkedHashMap<>(wirings);
            next.put(spec.id(), wiring);
            Collection<Route> routes = desired().routes().values();
            fib.apply(changes(fibOf(wirings, routes), fibOf(next, routes)));
            try {
                applyAcls(desired().policies(), desired().remotes().values(), next, routes);
            } catch (RuntimeException e) {
                fib.apply(changes(fibOf(next, routes), fibOf(wirings, routes)));
                throw e;
            }
            wirings.put(spec.id(), wiring);
            slots.set(slot);
            return new Endpoint(spec, kind, hostName, mac, GATEWAY_MAC);
        } catch (RuntimeException | java.io.IOException e) {
            if (wiring != null) {
                unplug(wiring);
            }
            if (linked) {
                nodeLinks.deleteLinkIfPresent(hostName);
            }
            throw e instanceof RuntimeException r ? r : new java.io.UncheckedIOException((java.io.IOException) e);
        }
    }

    /**
     * No IPv6 on the host veth end: the node's kernel would send router solicitations, MLD reports and DAD probes
     * from it to the workload, which VPP never sent (and the endpoint's counters, read from that end, would count).
     */
    private void quietHostEnd(String hostName) {
        node.execute(() -> {
            try {
                // /proc/sys/net is the namespace of the thread that opens it: this one is in the node namespace
                java.nio.file.Files.writeString(Path.of("/proc/sys/net/ipv6/conf", hostName, "disable_ipv6"), "1");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("disable IPv6 on " + hostName, e);
            }
        });
    }

    /**
     * VPP joins the IPv6 all-routers group of an interface with one MLDv2 report, sent by a once-a-second timer after
     * IPv6 is on (no API turns it off). The attach waits for it (the only frame VPP sends unasked, seen as the host
     * end's first tx packet), so that it is not taken for traffic to the workload; a report that does not come within
     * two seconds is not waited for any longer.
     */
    private void awaitMldReport(String hostName) {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < deadline
                && nodeLinks.findLink(hostName).map(l -> l.stats().txPackets() == 0).orElse(false)) {
            try {
                Thread.sleep(20); // a readiness poll of a counter
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The socket file of the memif endpoint on {@code slot}. */
    Path memifSocket(int slot) {
        return VppProcess.runDirOf(name()).resolve("memif-" + slot + ".sock");
    }

    private int freeSlot() {
        int slot = slots.nextClearBit(0);
        while (slot < MAX_ENDPOINTS && nodeLinks.findLink(hostInterfaceName(slot)).isPresent()) {
            slot = slots.nextClearBit(slot + 1);
        }
        return slot;
    }

    String hostInterfaceName(int slot) {
        return HostInterfaceNames.of(name(), "v", slot);
    }

    @Override
    protected void backendDetach(Endpoint endpoint) {
        Wiring w = wirings.get(endpoint.id());
        Map<EndpointId, Wiring> next = new LinkedHashMap<>(wirings);
        next.remove(endpoint.id());
        Collection<Route> routes = desired().routes().values();
        fib.apply(changes(fibOf(wirings, routes), fibOf(next, routes)));
        applyAcls(desired().policies(), desired().remotes().values(), next, routes);
        unplug(w); // takes its neighbour entries with it
        if (!w.memif()) {
            nodeLinks.deleteLinkIfPresent(w.hostName());
        }
        wirings.remove(endpoint.id());
        slots.clear(w.slot());
    }

    // --- routes ---------------------------------------------------------------------------------------------------

    @Override
    protected void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
        Map<IpPrefix, List<FibPath>> before = fibOf(wirings, desired().routes().values());
        Map<IpPrefix, List<FibPath>> after = fibOf(wirings, all.values());
        fib.apply(changes(before, after));
        try {
            // prefixes routed to an endpoint are sources it may send from: the anti-spoofing ACLs follow the routes
            applyAcls(desired().policies(), desired().remotes().values(), wirings, all.values());
        } catch (RuntimeException e) {
            fib.apply(changes(after, before));
            throw e;
        }
    }

    /**
     * What VPP's FIB must hold for these endpoints and routes: each endpoint address's host route out of its
     * interface, then the routes (a route for an endpoint's own /32 or /128 takes its place).
     */
    Map<IpPrefix, List<FibPath>> fibOf(Map<EndpointId, Wiring> endpoints, Collection<Route> routes) {
        Map<IpPrefix, List<FibPath>> entries = new LinkedHashMap<>();
        for (Wiring w : endpoints.values()) {
            for (IpAddress a : w.spec().addresses()) {
                entries.put(IpPrefix.host(a), FibProgram.hostPaths(a, w.swIfIndex()));
            }
        }
        for (Route r : routes) {
            List<FibPath> paths = FibProgram.paths(r, id -> Optional.ofNullable(endpoints.get(id))
                    .map(w -> new FibProgram.LocalHop(w.swIfIndex(), w.spec().addresses())), uplink);
            if (!paths.isEmpty()) {
                entries.put(r.prefix(), paths);
            }
        }
        return entries;
    }

    /** The writes that take VPP's FIB from {@code before} to {@code after}: upserts first, then deletions. */
    static List<FibProgram.Change> changes(Map<IpPrefix, List<FibPath>> before, Map<IpPrefix, List<FibPath>> after) {
        List<FibProgram.Change> changes = new ArrayList<>();
        after.forEach((prefix, paths) -> {
            List<FibPath> old = before.get(prefix);
            if (!paths.equals(old)) {
                changes.add(new FibProgram.Change(prefix, Optional.ofNullable(old), Optional.of(paths)));
            }
        });
        before.forEach((prefix, paths) -> {
            if (!after.containsKey(prefix)) {
                changes.add(new FibProgram.Change(prefix, Optional.of(paths), Optional.empty()));
            }
        });
        return changes;
    }

    // --- policy ---------------------------------------------------------------------------------------------------

    @Override
    protected void backendApplyPolicies(PolicySet policies) {
        applyAcls(policies, desired().remotes().values(), wirings, desired().routes().values());
    }

    @Override
    protected void backendSetRemotes(List<RemoteEndpoint> remotes) {
        applyAcls(desired().policies(), remotes, wirings, desired().routes().values());
    }

    /** Programs the policy of an adopted state (while adopting, {@link #desired()} is still empty). */
    void adoptPolicies(PolicySet set, List<RemoteEndpoint> remotes, List<Route> routes) {
        applyAcls(set, remotes, wirings, routes);
    }

    /**
     * Resolves the set against {@code endpoints} and has the ACL program switch to it (only while POLICY is on); the
     * routes say which prefixes each endpoint may send from besides its addresses (anti-spoofing).
     */
    private void applyAcls(PolicySet set, Collection<RemoteEndpoint> remotes, Map<EndpointId, Wiring> endpoints,
                           Collection<Route> routes) {
        if (!policyEnabled) {
            return;
        }
        List<PolicyEndpoint> locals = new ArrayList<>();
        for (Wiring w : endpoints.values()) {
            locals.add(new PolicyEndpoint(locals.size(), w.spec().labels(), w.spec().addresses()));
        }
        ResolvedPolicy resolved = PolicyResolver.resolve(set, locals, List.copyOf(remotes));
        acl.apply(resolved, aclEndpoints(endpoints, routes));
    }

    /** The endpoints in order (index = PolicyEndpoint index), each with the prefixes routed to it. */
    private static List<AclEndpoint> aclEndpoints(Map<EndpointId, Wiring> endpoints, Collection<Route> routes) {
        List<AclEndpoint> acls = new ArrayList<>();
        for (Wiring w : endpoints.values()) {
            List<IpPrefix> routed = routes.stream().filter(r -> r.nextHops().stream()
                    .anyMatch(h -> h instanceof dev.uniplane.api.NextHop.ToEndpoint t && t.endpoint().equals(w.spec().id())))
                    .map(Route::prefix).toList();
            acls.add(new AclEndpoint(w.spec().id(), w.swIfIndex(), w.spec().addresses(), routed));
        }
        return acls;
    }

    @Override
    protected dev.uniplane.spi.BackendView backendInspect() {
        return new VppInspector(this).inspect();
    }

    // --- stats ----------------------------------------------------------------------------------------------------

    @Override
    protected StatsSnapshot backendStats() {
        AclCounters aclCounters = policyEnabled ? acl.counters() : new AclCounters(Map.of(), Map.of());
        Map<EndpointId, EndpointStats> eps = new LinkedHashMap<>();
        wirings.forEach((id, w) -> {
            InterfaceCounters.Counters c = (w.memif() ? memifCounters : vethCounters).read(w.hostName(), w.swIfIndex());
            Map<DropReason, Long> drops = new EnumMap<>(DropReason.class);
            aclCounters.drops().getOrDefault(id, Map.of()).forEach(drops::put);
            eps.put(id, new EndpointStats(id, c.rxPackets(), c.rxBytes(), c.txPackets(), c.txBytes(), drops));
        });
        Map<RuleRef, RuleStats> rules = new LinkedHashMap<>();
        aclCounters.rules().forEach((ref, list) -> list.stream().reduce((a, b) ->
                new RuleStats(ref, a.action(), a.packets() + b.packets())).ifPresent(s -> rules.put(ref, s)));
        return new StatsSnapshot(Instant.now(), eps, rules);
    }

    // --- VPP restarts ---------------------------------------------------------------------------------------------

    /** Recovers when this connection is lost (VPP died or was restarted). */
    private void watchConnection(VppApiClient client) {
        client.onDisconnect(e -> {
            if (released) {
                return;
            }
            synchronized (this) {
                if (recovery == null || !recovery.isAlive()) {
                    recovery = Thread.ofPlatform().daemon().name("vpp-recover-" + name()).start(this::recover);
                }
            }
        });
    }

    /**
     * Waits for VPP (restarting it when this dataplane owns it), connects again and programs the whole desired state:
     * interfaces, addresses, neighbours, routes, ACLs. Retries until it succeeds or the dataplane is closed.
     */
    private void recover() {
        long start = System.nanoTime();
        LOG.warn("VPP dataplane {}: lost VPP's API connection; re-programming when VPP is back", name());
        vpp.awaitExit(Duration.ofSeconds(2)); // a killed VPP hangs up before it is reaped
        while (!released) {
            try {
                if (vpp.owned() && !vpp.alive()) {
                    vpp.start();
                }
                VppApiClient client = vpp.connect("uniplane-" + name());
                boolean done = runLocked(() -> {
                    if (released) {
                        client.close();
                        return false;
                    }
                    api.replace(client);
                    replayAll();
                    watchConnection(client);
                    return true;
                });
                if (done) {
                    LOG.info("VPP dataplane {}: VPP is back (pid {}); desired state re-programmed in {} ms", name(),
                            vpp.pid().map(String::valueOf).orElse("?"), (System.nanoTime() - start) / 1_000_000);
                }
                return;
            } catch (RuntimeException e) {
                LOG.warn("VPP dataplane {}: recovery attempt failed ({}); retrying", name(), e.getMessage());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Programs everything the desired state holds into a VPP that holds nothing (or part of it). */
    void replayAll() {
        programBase(true);
        Map<EndpointId, Wiring> rewired = new LinkedHashMap<>();
        for (Wiring w : wirings.values()) {
            if (w.memif()) {
                try {
                    java.nio.file.Files.deleteIfExists(Path.of(w.hostName())); // the dead VPP's listening socket
                } catch (java.io.IOException e) {
                    LOG.debug("cannot remove {}: {}", w.hostName(), e.toString());
                }
            }
            rewired.put(w.spec().id(), plug(w.slot(), w.hostName(), w.mac(), w.spec(), w.kind(), true, null));
        }
        wirings.clear();
        wirings.putAll(rewired);
        fib.apply(changes(Map.of(), fibOf(wirings, desired().routes().values())));
        if (policyEnabled) {
            // the ACL indices died with VPP: the program makes them again on the new connection and interfaces
            acl.reapply(api.client(), aclEndpoints(wirings, desired().routes().values()));
        }
    }

    /** The uplink's name in the node namespace, when the dataplane has one. */
    Optional<String> uplinkName() {
        return config().uplinkInterface();
    }

    /** Whether VPP's API connection is up (false while a restart is being recovered from). */
    boolean connected() {
        return api.connected();
    }

    // --- lifecycle ------------------------------------------------------------------------------------------------

    /**
     * Leaves VPP running with everything in force (the saved state stays, the next open of the name takes it over)
     * and closes the API connection and the namespace handles.
     */
    @Override
    protected void backendClose() {
        if (released) {
            return;
        }
        released = true;
        api.close();
        nodeLinks.close();
        node.close();
    }

    /** Endpoints are detached already: removes the uplink and loopback interfaces, stops an owned VPP. */
    @Override
    protected void backendDestroy() {
        try {
            if (uplink >= 0) {
                interfaces.deleteAfPacketQuietly(config().uplinkInterface().orElseThrow());
            }
            if (loopback >= 0) {
                interfaces.deleteLoopbackQuietly(loopback);
            }
        } finally {
            released = true;
            api.close();
            vpp.stop();
            if (!vpp.owned()) {
                try { // the memif sockets' directory (an owned VPP's run directory goes with it)
                    java.nio.file.Files.deleteIfExists(VppProcess.runDirOf(name()));
                } catch (java.io.IOException e) {
                    LOG.debug("cannot remove {}: {}", VppProcess.runDirOf(name()), e.toString());
                }
            }
            wirings.values().stream().filter(w -> !w.memif()).forEach(w -> nodeLinks.deleteLinkIfPresent(w.hostName()));
            wirings.clear();
            if (config().uplinkInterface().isPresent()) {
                UplinkSnapshot.restoreRecorded(UplinkSnapshot.recordFile(VppProvider.NAME, name()), nodeLinks);
            }
            nodeLinks.close();
            node.close();
        }
    }

    // --- restart of this process ------------------------------------------------------------------------------------

    /** Per endpoint, its slot and VPP interface (the rest is in the {@link Endpoint}). */
    @Override
    protected Object endpointRecord(Endpoint endpoint) {
        Wiring w = wirings.get(endpoint.id());
        return new VppEndpointState(w.slot(), w.swIfIndex(), w.memifSocket());
    }

    /** Which VPP this dataplane uses. */
    @Override
    protected Object backendRecord() {
        return new VppState(vpp.apiSocket().toString(), vpp.owned(), vpp.pid().orElse(0L));
    }

    /** Takes over what a previous process left ({@link VppAdoption#adopt}). */
    @Override
    protected AdoptionResult backendAdopt(SavedDataplane saved) {
        return VppAdoption.adopt(this, saved);
    }

    /** Records an adopted endpoint's wiring (for {@link VppAdoption}). */
    void adopted(Wiring wiring) {
        wirings.put(wiring.spec().id(), wiring);
        slots.set(wiring.slot());
    }
}
