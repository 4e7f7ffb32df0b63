package dev.uniplane.provider.sriov;

import dev.uniplane.api.Endpoint;
import dev.uniplane.api.PolicySet;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.sriov.internal.host.AttachedVf;
import dev.uniplane.provider.sriov.internal.host.VfAllocation;
import dev.uniplane.provider.sriov.internal.state.SriovEndpointRecord;
import dev.uniplane.spi.AdoptionResult;
import dev.uniplane.spi.state.SavedDataplane;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What lets an SR-IOV dataplane outlive its process: the VFs stay in their workloads, the SPI's saved state names each
 * endpoint's VF ({@link SriovEndpointRecord}) and the allocator's files hold what each attach changed. The next open of
 * the name takes every endpoint whose VF netdev is still in its workload namespace; a VF whose workload went away
 * meanwhile is restored and freed, and so is a VF of this name that no saved endpoint names (a process killed between
 * recording the allocation and writing the saved state).
 */
final class SriovAdoption {
    private static final Logger LOG = LoggerFactory.getLogger(SriovAdoption.class);

    private SriovAdoption() {
    }

    static AdoptionResult adopt(SriovDataplane dp, SavedDataplane saved) {
        List<Endpoint> endpoints = new ArrayList<>();
        Set<String> adopted = new HashSet<>();
        for (SavedDataplane.SavedEndpoint s : saved.endpoints()) {
            Endpoint e = s.endpoint();
            Optional<VfAllocation> held = s.backend(SriovEndpointRecord.class)
                    .flatMap(r -> dp.allocator.allocation(r.pciAddress()))
                    .filter(a -> a.owner().equals(dp.owner(e.id())) && a.attachment() != null);
            if (held.isEmpty()) {
                LOG.warn("{}: endpoint {} holds no VF any more; dropping it", dp.name(), e.id());
                continue;
            }
            if (!inWorkload(held.get().attachment())) {
                LOG.warn("{}: the VF of endpoint {} left {} while the dataplane was closed; restoring and freeing it",
                        dp.name(), e.id(), held.get().attachment().netns());
                tryRestore(dp, held.get());
                adopted.add(held.get().pciAddress());
                continue;
            }
            dp.vfOf.put(e.id(), held.get().pciAddress());
            adopted.add(held.get().pciAddress());
            endpoints.add(e);
        }
        reclaimOrphans(dp, adopted);
        LOG.info("SR-IOV dataplane {} adopted {} of {} saved endpoints", dp.name(), endpoints.size(), saved.endpoints().size());
        return new AdoptionResult(endpoints, List.of(), PolicySet.empty(), List.of());
    }

    /** Restores and frees every VF this dataplane's name holds except {@code keep} (PCI addresses). */
    static void reclaimOrphans(SriovDataplane dp, Set<String> keep) {
        String prefix = dp.name() + "/";
        for (VfAllocation a : dp.allocator.allocations()) {
            if (a.owner().startsWith(prefix) && !keep.contains(a.pciAddress())) {
                LOG.warn("{}: VF {} is held by {} but no endpoint of the dataplane has it; restoring and freeing it",
                        dp.name(), a.pciAddress(), a.owner());
                tryRestore(dp, a);
            }
        }
    }

    private static void tryRestore(SriovDataplane dp, VfAllocation allocation) {
        try {
            dp.restoreAndRelease(allocation);
        } catch (RuntimeException ex) {
            LOG.warn("{}: VF {} stays held: {}", dp.name(), allocation.pciAddress(), ex.getMessage());
        }
    }

    /** Whether the VF netdev is still in its workload namespace under its workload name. */
    static boolean inWorkload(AttachedVf attached) {
        try (NetNs ns = NetNs.open(Path.of(attached.netns())); RtNetlink inside = RtNetlink.open(ns)) {
            return ns.isNetworkNamespace() && inside.findLink(attached.interfaceName()).isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
