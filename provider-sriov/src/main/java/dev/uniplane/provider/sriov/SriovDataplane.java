package dev.uniplane.provider.sriov;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Capability;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.api.UnsupportedCapabilityException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.VfInfo;
import dev.uniplane.provider.sriov.internal.host.AttachedVf;
import dev.uniplane.provider.sriov.internal.host.RestoreReport;
import dev.uniplane.provider.sriov.internal.host.SriovHost;
import dev.uniplane.provider.sriov.internal.host.SriovOptions;
import dev.uniplane.provider.sriov.internal.host.VfAllocation;
import dev.uniplane.provider.sriov.internal.host.VfAllocator;
import dev.uniplane.provider.sriov.internal.host.VfNetdev;
import dev.uniplane.provider.sriov.internal.host.VfNetworkOptions;
import dev.uniplane.provider.sriov.internal.host.VfSequence;
import dev.uniplane.provider.sriov.internal.host.VirtualFunction;
import dev.uniplane.provider.sriov.internal.state.SriovEndpointRecord;
import dev.uniplane.spi.AbstractDataplane;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.BackendView;
import dev.uniplane.spi.NamespaceErrors;
import dev.uniplane.spi.state.SavedDataplane;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SR-IOV dataplane: each endpoint is a virtual function of a PF in the host namespace, allocated from the pool the
 * options select ({@link SriovOptions}), configured through the PF (the network's VF settings, {@link VfNetworkOptions},
 * plus the spec's MAC as admin MAC), moved into the workload namespace under the spec's interface name and addressed
 * there as an L2 attach ({@link VfNetworkOptions} says how). The NIC forwards; there is no uplink, no routing and no
 * policy here: routes and policies need capabilities this provider does not declare, so the SPI refuses them with
 * {@link UnsupportedCapabilityException} before a hook runs.
 *
 * <p>Detach resets, through the PF, exactly the settings the attach applied and brings the netdev back under its old
 * name, MAC and MTU, also when the workload namespace is gone (the kernel has then returned the VF netdev to the host
 * namespace); only then is the VF freed. A VF is only ever restored by the owner of its allocation, so a VF given to
 * another workload is never reset. Endpoints survive a restart of the JVM: the VFs stay where they are, the SPI's saved
 * state names each endpoint's VF, and {@link SriovAdoption} takes them over on the next open.
 */
final class SriovDataplane extends AbstractDataplane {
    private static final Logger LOG = LoggerFactory.getLogger(SriovDataplane.class);
    /** An endpoint's gateway MAC: unknown here, the workload resolves its gateway by ARP/ND on the segment. */
    static final MacAddress GATEWAY_RESOLVED_ON_THE_SEGMENT = new MacAddress(0);

    final NetNs hostNs;
    final RtNetlink host;
    final SriovHost sysfs;
    final VfAllocator allocator;
    final SriovOptions options;
    final VfNetworkOptions network;
    /** endpoint -> PCI address of its VF: the only backend handle (the rest is in the allocation file). */
    final Map<EndpointId, String> vfOf = new HashMap<>();

    private SriovDataplane(DataplaneConfig config, NetNs hostNs, RtNetlink host, SriovHost sysfs, VfAllocator allocator,
                           SriovOptions options, VfNetworkOptions network) {
        super(SriovProvider.NAME, config, SriovProvider.CAPABILITIES);
        this.hostNs = hostNs;
        this.host = host;
        this.sysfs = sysfs;
        this.allocator = allocator;
        this.options = options;
        this.network = network;
    }

    /**
     * Opens the dataplane: parses the options, sets the VF count when {@code sriov.numvfs} asks for it, and adopts what a
     * previous process of this name left (its saved state and its VF allocations).
     */
    static SriovDataplane open(DataplaneConfig config, SriovHost sysfs, VfAllocator allocator, Path stateFile) {
        SriovOptions options = SriovOptions.parse(config, SriovProvider.NAME);
        VfNetworkOptions network = VfNetworkOptions.parse(config);
        if (config.uplinkInterface().isPresent()) {
            throw new InvalidSpecException("uplink", config.uplink(), "SR-IOV has no uplink: a VF sits on its PF's physical "
                    + "network; select PFs with the sriov.pf option instead");
        }
        NetNs hostNs = NetNs.open(config.hostNetnsPath().map(Path::of), e -> NamespaceErrors.node(config, e.errnoName()));
        RtNetlink host = null;
        try {
            host = RtNetlink.open(hostNs);
            if (options.numVfs().isPresent()) {
                setNumVfs(sysfs, allocator, options);
            }
            SriovDataplane dp = new SriovDataplane(config, hostNs, host, sysfs, allocator, options, network);
            Optional<SavedDataplane> saved = SavedDataplane.read(stateFile);
            if (saved.isEmpty()) {
                SriovAdoption.reclaimOrphans(dp, java.util.Set.of());
            }
            dp.keepSavedState(stateFile, saved);
            return dp;
        } catch (RuntimeException e) {
            if (host != null) {
                host.close();
            }
            hostNs.close();
            throw e;
        }
    }

    /** Sets the VF count of each PF the pool may use; a PF whose VFs are held by anyone keeps its count (0 then N would remove them). */
    private static void setNumVfs(SriovHost sysfs, VfAllocator allocator, SriovOptions options) {
        int count = options.numVfs().getAsInt();
        for (var pf : sysfs.physicalFunctions()) {
            if (!options.selector().mayUse(pf) || pf.numVfs() == count) {
                continue;
            }
            List<String> held = allocator.allocations().stream().filter(a -> a.pfName().equals(pf.name()))
                    .map(a -> a.pciAddress() + " (" + a.owner() + ")").toList();
            if (!held.isEmpty()) {
                throw new dev.uniplane.api.ConflictException("options." + SriovOptions.NUM_VFS + "=" + count + ": PF " + pf.name()
                        + " has " + pf.numVfs() + " VFs and changing the count removes them all, but these are held: " + held);
            }
            sysfs.setNumVfs(pf, count);
        }
    }

    /** Who holds an endpoint's VF in the allocator: this dataplane's name and the endpoint id. */
    String owner(EndpointId id) {
        return name() + "/" + id;
    }

    @Override
    protected Endpoint backendAttach(AttachSpec spec, AttachKind kind) {
        List<VirtualFunction> pool = options.selector().select(sysfs.physicalFunctions());
        String owner = owner(spec.id());
        VfAllocation allocation = allocator.allocate(owner, spec.netns(), pool).orElseThrow(() -> new BackendException(
                "attach " + spec.id(), "ENOSPC", "no free VF: all " + pool.size() + " VFs of the pool " + options.selector()
                + " are held (" + allocator.directory() + ")"));
        String pci = allocation.pciAddress();
        try {
            VirtualFunction vf = pool.stream().filter(v -> v.pciAddress().equals(pci)).findFirst().orElseThrow();
            if (vf.netdev() == null) {
                throw new BackendException("attach " + spec.id(), "ENODEV", "VF " + vf.index() + " of " + vf.pfName() + " ("
                        + pci + ", driver " + vf.driver() + ") has no netdev in the host namespace");
            }
            VfSequence sequence = sequence(vf.pfName(), vf.index(), pci, vf.netdev());
            AttachedVf attached = sequence.attach(network.vfConfig(spec.mac()),
                    network.workload(spec.netns(), spec.interfaceName(), spec.mac(), spec.addresses()));
            try {
                allocator.update(allocation.withAttachment(attached));
            } catch (RuntimeException e) {
                RestoreReport report = sequence.restore(attached);
                report.problems().forEach(p -> e.addSuppressed(new IllegalStateException(p)));
                throw e;
            }
            vfOf.put(spec.id(), pci);
            return new Endpoint(spec, kind, vf.netdev(), workloadMac(spec.netns(), spec.interfaceName()),
                    GATEWAY_RESOLVED_ON_THE_SEGMENT);
        } catch (RuntimeException e) {
            allocator.release(pci, owner);
            throw e;
        }
    }

    VfSequence sequence(String pfName, int vf, String pci, String hostName) {
        return new VfSequence(hostNs, host, pfName, vf, VfNetdev.ofPci(sysfs, pci, hostName));
    }

    private static MacAddress workloadMac(String netns, String interfaceName) {
        try (NetNs ns = NetNs.open(Path.of(netns)); RtNetlink inside = RtNetlink.open(ns)) {
            return inside.link(interfaceName).mac();
        }
    }

    @Override
    protected void backendDetach(Endpoint endpoint) {
        String owner = owner(endpoint.id());
        Optional<VfAllocation> held = Optional.ofNullable(vfOf.get(endpoint.id())).flatMap(allocator::allocation)
                .or(() -> allocator.allocations().stream().filter(a -> a.owner().equals(owner)).findFirst());
        if (held.isEmpty() || !held.get().owner().equals(owner)) {
            // never touch a VF this endpoint does not hold: it may be another workload's now
            LOG.warn("{}: endpoint {} holds no VF any more ({}); nothing to restore", name(), endpoint.id(),
                    held.map(a -> "VF " + a.pciAddress() + " is held by " + a.owner()).orElse("no allocation"));
            vfOf.remove(endpoint.id());
            return;
        }
        restoreAndRelease(held.get());
        vfOf.remove(endpoint.id());
    }

    /**
     * Restores a VF this dataplane holds and frees it. An incomplete restore keeps the allocation (the VF is in an
     * unknown state and must not be handed out) and throws naming what was not put back.
     */
    void restoreAndRelease(VfAllocation allocation) {
        AttachedVf attached = allocation.attachment();
        if (attached != null) {
            RestoreReport report = sequence(attached.pfName(), attached.vf(), allocation.pciAddress(), attached.hostName())
                    .restore(attached);
            if (!report.complete()) {
                throw new BackendException("restore VF " + attached.vf() + " of " + attached.pfName(), "EIO",
                        String.join("; ", report.problems()));
            }
        }
        allocator.release(allocation.pciAddress(), allocation.owner());
    }

    @Override
    protected void backendUpdateRoutes(List<Route> upserts, List<IpPrefix> removals, Map<IpPrefix, Route> all) {
        // unreachable: without an uplink and without ROUTE_TO_ENDPOINT/ROUTE_DROP the SPI refuses every route first
        throw new UnsupportedCapabilityException(provider(), Capability.ROUTE_TO_ENDPOINT);
    }

    @Override
    protected void backendApplyPolicies(PolicySet policies) {
        // POLICY is not declared: only the empty set gets here, and there is nothing to program for it
    }

    @Override
    protected void backendSetRemotes(List<RemoteEndpoint> remotes) {
        // unreachable: REMOTE_ENDPOINTS is not declared
        throw new UnsupportedCapabilityException(provider(), Capability.REMOTE_ENDPOINTS);
    }

    /** Counters from the PF's IFLA_VF_STATS: rx = received by the VF (delivered to the workload), tx = sent by it. */
    @Override
    protected StatsSnapshot backendStats() {
        Map<String, List<VfInfo>> byPf = new HashMap<>();
        Map<EndpointId, EndpointStats> out = new LinkedHashMap<>();
        for (Endpoint e : desired().endpoints().values()) {
            Optional<AttachedVf> attached = Optional.ofNullable(vfOf.get(e.id())).flatMap(allocator::allocation)
                    .map(VfAllocation::attachment);
            EndpointStats stats = attached.flatMap(a -> byPf.computeIfAbsent(a.pfName(), pf -> host.vfs(host.index(pf))).stream()
                            .filter(v -> v.vf() == a.vf() && v.stats() != null).findFirst())
                    .map(v -> new EndpointStats(e.id(), v.stats().rxPackets(), v.stats().rxBytes(), v.stats().txPackets(),
                            v.stats().txBytes(), Map.of()))
                    .orElse(EndpointStats.zero(e.id()));
            out.put(e.id(), stats);
        }
        return new StatsSnapshot(Instant.now(), out, Map.of());
    }

    @Override
    protected BackendView backendInspect() {
        return SriovInspector.inspect(this);
    }

    @Override
    protected AdoptionResult backendAdopt(SavedDataplane saved) {
        return SriovAdoption.adopt(this, saved);
    }

    @Override
    protected Object endpointRecord(Endpoint endpoint) {
        String pci = vfOf.get(endpoint.id());
        return pci == null ? null : allocator.allocation(pci).map(VfAllocation::attachment)
                .map(a -> new SriovEndpointRecord(pci, a.pfName(), a.vf(), a.hostName())).orElse(null);
    }

    /** The VFs stay in their workloads (RESTART_SURVIVAL): only the handles go. */
    @Override
    protected void backendClose() {
        host.close();
        hostNs.close();
    }

    @Override
    protected void backendDestroy() {
        // destroy() detached every endpoint first: what is left are VFs of this name that no endpoint owns any more
        SriovAdoption.reclaimOrphans(this, java.util.Set.of());
    }
}
