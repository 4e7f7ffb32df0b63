package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capabilities;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.ovsdpdk.FlowTables.Local;
import dev.uniplane.provider.ovsdpdk.FlowTables.WeightedActions;
import dev.uniplane.provider.ovsdpdk.internal.daemon.OvsInstance;
import dev.uniplane.provider.ovsdpdk.internal.state.OvsEndpointState;
import dev.uniplane.provider.ovsdpdk.internal.state.OvsState;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.FlowStats;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OpenFlowChannel;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.DesiredView;
import dev.uniplane.spi.state.SavedDataplane;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OVS-DPDK dataplane: one netdev bridge named after the dataplane, one OpenFlow channel to it, and (unless options
 * {@code ovs.db-socket} and {@code ovs.run-dir} name an instance someone else runs) a private ovsdb-server +
 * ovs-vswitchd-dpdk pair per node namespace ({@link InstancePool}, in {@code /run/uniplane/ovs/<key>/}), started by the
 * first dataplane there, outliving the JVM, and stopped by the destroy that removes its last bridge. Opening is
 * {@link OvsDpdkOpener}'s.
 *
 * <p>vswitchd runs in the node namespace ({@link DataplaneConfig#hostNetns()}), entered with {@code nsenter --net}
 * before exec: a DPDK af_packet port binds to the interface name in the namespace of the process that opens it. Each
 * endpoint is a veth pair whose host end is a DPDK af_packet port ({@code ofport} = endpoint index,
 * {@link EndpointWiring}); the uplink is one too, behind a checksum shim ({@link UplinkShim}). Forwarding is the
 * OpenFlow program of {@link FlowTables}; workloads are set up like the eBPF provider's ({@link dev.uniplane.linux.VethWorkload}) with one
 * gateway MAC per dataplane that no kernel interface has, so the node kernel ignores the copies of workload traffic it
 * also receives on the host ends. Stats are read from port and flow counters ({@link StatsReader}).
 *
 * <p>{@link #close()} (RESTART_SURVIVAL) leaves the instance, the bridge, ports, veths, the uplink shim and the flows
 * running and only closes our sockets; the saved state ({@link SavedDataplane}, rewritten by the SPI after every
 * change) lets a later open of the same name, in any JVM, adopt them ({@link OvsDpdkAdoption}): flows are compared with the computed
 * program and only the differences are sent ({@link FlowConvergence}). A lost instance is rebuilt from the state file.
 * vswitchd and ovsdb-server restarts are reconciled while open ({@link Reconciler}). {@link #destroy()} removes
 * everything.
 */
final class OvsDpdkDataplane extends dev.uniplane.spi.AbstractDataplane {
    private static final Logger LOG = LoggerFactory.getLogger(OvsDpdkDataplane.class);
    private static final int MAX_ENDPOINTS = 4095;
    static final Duration OPENFLOW_TIMEOUT = Duration.ofSeconds(10);

    // The switch and its handles; the helpers below read and update them under this object's lock. The desired state
    // is the SPI's (desired()).
    final NetNs node;
    final RtNetlink nodeLinks;
    final OvsInstance ovs;
    /** Replaced by a reconcile after vswitchd restarted. */
    volatile OpenFlowChannel openflow;
    final Optional<Uplink> uplink;
    final MacAddress gatewayMac;
    final FlowTables tables;
    final Map<EndpointId, Wiring> wirings = new LinkedHashMap<>();
    final BitSet usedIndexes = new BitSet();
    Map<IpPrefix, Integer> routeIds = new HashMap<>();
    int nextRouteId = 1;
    Map<Integer, RuleRef> ruleRefs = Map.of();
    Map<Integer, dev.uniplane.api.Action> ruleActions = Map.of();
    volatile boolean released;

    final EndpointWiring endpointWiring;
    final FlowConvergence convergence = new FlowConvergence(this);
    final Reconciler reconciler = new Reconciler(this);

    OvsDpdkDataplane(DataplaneConfig config, Capabilities capabilities, NetNs node, RtNetlink nodeLinks, OvsInstance ovs,
                     OpenFlowChannel openflow, Optional<Uplink> uplink, MacAddress gatewayMac) {
        super(OvsDpdkProvider.NAME, config, capabilities);
        this.node = node;
        this.nodeLinks = nodeLinks;
        this.ovs = ovs;
        this.openflow = openflow;
        this.uplink = uplink;
        this.gatewayMac = gatewayMac;
        this.tables = new FlowTables(gatewayMac, zoneOf(config.name()));
        this.endpointWiring = new EndpointWiring(config.name(), node, nodeLinks, ovs, gatewayMac);
        usedIndexes.set(0);
    }

    /** The external ids that mark a bridge as ours. */
    static Map<String, String> bridgeMarkers(String bridge) {
        return Map.of("owner", "uniplane", "uniplane-dataplane", bridge);
    }

    /** Takes over the saved configuration while opening ({@link OvsDpdkAdoption}); the SPI records it. */
    @Override
    protected AdoptionResult backendAdopt(SavedDataplane saved) {
        return OvsDpdkAdoption.adopt(this, saved);
    }

    /** Per endpoint, its index and ofport (the rest is in the {@link Endpoint}). */
    @Override
    protected Object endpointRecord(Endpoint endpoint) {
        Wiring w = wirings.get(endpoint.id());
        return new OvsEndpointState(w.index(), w.ofport());
    }

    /** The instance and the route ids. */
    @Override
    protected Object backendRecord() {
        return new OvsState(ovs.dbSocket().toString(), ovs.runDir().toString(),
                routeIds.entrySet().stream().map(e -> new OvsState.RouteId(e.getKey(), e.getValue())).toList(), nextRouteId);
    }

    /** The end of opening: adopts {@code saved} when present ({@link #backendAdopt}); the SPI then keeps the state file. */
    void start(java.nio.file.Path stateFile, Optional<SavedDataplane> saved) {
        keepSavedState(stateFile, saved);
    }

    /** What is in force (the reconciler converges on it). */
    DesiredView inForce() {
        return desired();
    }

    /**
     * Runs background work (a reconcile) under the SPI's lock and then this object's, the order hooks take them in,
     * so that it never sees a change half recorded.
     */
    <T> T reconcileLocked(java.util.function.Supplier<T> work) {
        return runLocked(() -> {
            synchronized (this) {
                return work.get();
            }
        });
    }

    /** What the last convergence did (tests: an adoption must not re-add identical flows). */
    FlowDiff lastConvergence() {
        return convergence.last();
    }

    /** Every flow of our bridge as the switch reports it (tests read durations and counters). */
    synchronized List<FlowStats> installedFlows() {
        return openflow.flowStats();
    }

    /** The OVS instance (tests restart its vswitchd). */
    OvsInstance instance() {
        return ovs;
    }

    // --- attach ---------------------------------------------------------------------------------------------------

    @Override
    protected synchronized Endpoint backendAttach(AttachSpec spec, AttachKind kind) {
        int index = usedIndexes.nextClearBit(1);
        if (index > MAX_ENDPOINTS) {
            throw new BackendException("attach " + spec.id(), "ENOSPC", "more than " + MAX_ENDPOINTS + " endpoints");
        }
        Wiring wiring = endpointWiring.wire(spec, kind, index);
        boolean flowsAdded = false;
        try {
            openflow.applyBundle(tables.endpoint(index, new Local(wiring.ofport(), wiring.mac()), spec.addresses()));
            flowsAdded = true;
            Map<EndpointId, Wiring> after = new LinkedHashMap<>(wirings);
            after.put(spec.id(), wiring);
            installPolicy(desired().policies(), after, remotes(desired()), false);
            wirings.put(spec.id(), wiring);
            usedIndexes.set(index);
            return new Endpoint(spec, kind, wiring.hostName(), wiring.mac(), gatewayMac);
        } catch (RuntimeException e) {
            if (flowsAdded) {
                try {
                    openflow.apply(tables.removeEndpoint(index));
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            endpointWiring.deletePortQuietly(wiring.hostName(), e);
            nodeLinks.deleteLinkIfPresent(wiring.hostName());
            throw e;
        }
    }

    @Override
    protected synchronized void backendDetach(Endpoint endpoint) {
        Wiring w = wirings.get(endpoint.id());
        openflow.apply(tables.removeEndpoint(w.index()));
        Map<EndpointId, Wiring> after = new LinkedHashMap<>(wirings);
        after.remove(endpoint.id());
        installPolicy(desired().policies(), after, remotes(desired()), false);
        endpointWiring.deletePortQuietly(w.hostName(), null);
        nodeLinks.deleteLinkIfPresent(w.hostName());
        wirings.remove(endpoint.id());
        usedIndexes.clear(w.index());
    }

    private static List<RemoteEndpoint> remotes(DesiredView state) {
        return List.copyOf(state.remotes().values());
    }

    // --- routes ---------------------------------------------------------------------------------------------------

    /** All changes go in one atomic bundle; the bookkeeping changes only once the switch committed it. */
    @Override
    protected synchronized void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
        Map<IpPrefix, Integer> ids = new HashMap<>(routeIds);
        int next = nextRouteId;
        List<Labeled> messages = new ArrayList<>();
        for (IpPrefix prefix : removals) {
            int id = ids.remove(prefix);
            messages.addAll(tables.removeRoute(id, prefix));
        }
        for (Route r : upserts) {
            Integer id = ids.get(r.prefix());
            if (id == null) {
                id = next++;
                ids.put(r.prefix(), id);
            }
            messages.addAll(routeFlows(id, r));
        }
        openflow.applyBundle(messages);
        syncDatapath();
        routeIds = ids;
        nextRouteId = next;
    }

    /** The flows of one route with this id (a drop route has no next hops). */
    List<Labeled> routeFlows(int id, Route r) {
        List<WeightedActions> hops = r.isDrop() ? List.of() : r.nextHops().stream().map(this::actionsOf).toList();
        return tables.route(id, r.prefix(), hops);
    }

    /**
     * Makes the new tables govern the very next packet by flushing the datapath's cached megaflows (they are rebuilt
     * by upcalls). Measured: without it a removed route kept forwarding for ~1-2 s, until a revalidator round;
     * {@code revalidator/wait} fixes that too but takes ~505 ms per change, {@code revalidator/purge} 6-9 ms. The cost
     * is one upcall per active flow of the instance after each change.
     */
    void syncDatapath() {
        ovs.appctl("revalidator/purge");
    }

    private WeightedActions actionsOf(NextHop hop) {
        return switch (hop) {
            case NextHop.ToEndpoint t -> {
                Wiring w = wirings.get(t.endpoint());
                yield tables.toEndpoint(t.weight(), new Local(w.ofport(), w.mac()));
            }
            case NextHop.Gateway g -> {
                Uplink u = uplink.orElseThrow();
                yield new WeightedActions(g.weight(), FlowTables.toGateway(u.ofport(), u.mac(), u.gatewayMac(g.address())));
            }
            case NextHop.Drop d -> throw new IllegalStateException("a drop next hop stands alone");
        };
    }

    // --- policy ---------------------------------------------------------------------------------------------------

    /** The conntrack zone of a dataplane: 1..65535 from its name (bridges of one instance share the tracker). */
    static int zoneOf(String name) {
        return 1 + Math.floorMod(name.hashCode(), 65535);
    }

    @Override
    protected synchronized void backendApplyPolicies(PolicySet policies) {
        try {
            installPolicy(policies, wirings, remotes(desired()), true);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("policies", policies.policies().size() + " policies", e.getMessage());
        }
    }

    @Override
    protected synchronized void backendSetRemotes(List<RemoteEndpoint> remotes) {
        installPolicy(desired().policies(), wirings, List.copyOf(remotes), false);
    }

    /**
     * Replaces every policy flow in one bundle (delete by cookie kind + add; for a new set also the learned SCTP
     * flows), then, for a new set, flushes this dataplane's conntrack zone: every live connection's next packet is new
     * again and takes the new set's checks (no grandfathering), and the datapath's cached megaflows are purged.
     */
    private void installPolicy(PolicySet set, Map<EndpointId, Wiring> endpoints, List<RemoteEndpoint> remotes, boolean newSet) {
        PolicyFlows.Compiled compiled = compilePolicy(set, endpoints, remotes);
        long t0 = System.nanoTime();
        List<Labeled> flows = new ArrayList<>(compiled.flows());
        if (newSet) {
            flows.add(PolicyFlows.forgetSctpFlows()); // SCTP's equivalent of the conntrack flush below
        }
        openflow.applyBundle(flows);
        if (newSet) {
            ovs.appctl("dpctl/flush-conntrack", "zone=" + tables.zone());
        }
        syncDatapath();
        LOG.debug("policy of {}: {} flows in {} ms", name(), compiled.flows().size(), (System.nanoTime() - t0) / 1_000_000);
        ruleRefs = compiled.rules();
        ruleActions = compiled.actions();
    }

    /** The policy flows (with the deletes of the previous ones first) for these endpoints and remotes. No I/O. */
    PolicyFlows.Compiled compilePolicy(PolicySet set, Map<EndpointId, Wiring> endpoints, List<RemoteEndpoint> remotes) {
        List<PolicyFlows.Member> members = new ArrayList<>();
        List<PolicyFlows.Identity> identities = new ArrayList<>();
        endpoints.values().forEach(w -> {
            members.add(new PolicyFlows.Member(w.index(), w.ofport(), w.spec().labels(), w.spec().addresses()));
            identities.add(new PolicyFlows.Identity(w.spec().labels(), w.spec().addresses()));
        });
        remotes.forEach(r -> identities.add(new PolicyFlows.Identity(r.labels(), r.addresses())));
        return PolicyFlows.compile(set, members, identities, tables.zone());
    }

    @Override
    protected synchronized dev.uniplane.spi.BackendView backendInspect() {
        return new OvsDpdkInspector(this).inspect();
    }

    // --- stats ----------------------------------------------------------------------------------------------------

    @Override
    protected synchronized StatsSnapshot backendStats() {
        // With policies, purge first: cached megaflows hand their counts to the rules when purged.
        Runnable beforeFlowCounts = desired().policies().policies().isEmpty() ? () -> { } : this::syncDatapath;
        return new StatsReader(openflow).read(wirings, ruleRefs, ruleActions, beforeFlowCounts);
    }

    // --- lifecycle ------------------------------------------------------------------------------------------------

    /**
     * RESTART_SURVIVAL: closes only our sockets and handles. The instance (its daemons run in their own session, so
     * they outlive this JVM), the bridge, its ports and flows, the veths and the uplink shim stay in force, and so does
     * the state file that a later open of this name, in this JVM or another, adopts.
     */
    @Override
    protected synchronized void backendClose() {
        if (released) {
            return;
        }
        released = true;
        openflow.close();
        ovs.removeReconnectListener(reconciler.ovsdbReconnected);
        if (ovs.owned()) {
            InstancePool.release(ovs);
        } else {
            ovs.close();
        }
        nodeLinks.close();
        node.close();
        OvsDpdkOpener.forget(name());
    }

    /**
     * Removes everything: our bridge (and the private instance with {@code exit --cleanup} when no bridge is left in
     * it), the uplink shim, the veths of endpoints still attached and the state file.
     */
    @Override
    protected synchronized void backendDestroy() {
        if (released) {
            return;
        }
        released = true;
        openflow.close();
        ovs.removeReconnectListener(reconciler.ovsdbReconnected);
        OvsDpdkOpener.closeInstance(ovs, name(), true, null);
        uplink.ifPresent(u -> u.shim().remove());
        wirings.values().forEach(w -> nodeLinks.deleteLinkIfPresent(w.hostName()));
        wirings.clear();
        nodeLinks.close();
        node.close();
        OvsDpdkOpener.forget(name());
    }
}
