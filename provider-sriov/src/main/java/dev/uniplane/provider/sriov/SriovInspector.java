package dev.uniplane.provider.sriov;

import dev.uniplane.api.Endpoint;
import dev.uniplane.api.IpAddress;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.VfInfo;
import dev.uniplane.linux.VfSetting;
import dev.uniplane.provider.sriov.internal.host.AttachedVf;
import dev.uniplane.provider.sriov.internal.host.VfAllocation;
import dev.uniplane.provider.sriov.internal.host.VfConfig;
import dev.uniplane.spi.BackendView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads back what the NIC and the kernel hold for each endpoint, in model terms: the VF netdev in the workload
 * namespace and its addresses (the {@code ENDPOINTS} aspect; SR-IOV has no routes, remotes or policy to read). Every
 * VF setting the attach applied is read back from the PF's VF record; a setting that differs, a VF netdev missing from
 * its workload, or a VF this dataplane's name holds without an endpoint is listed as unexplained (drift).
 */
final class SriovInspector {
    private SriovInspector() {
    }

    static BackendView inspect(SriovDataplane dp) {
        List<BackendView.EndpointView> views = new ArrayList<>();
        List<String> unexplained = new ArrayList<>();
        Set<String> held = new java.util.HashSet<>();
        for (Endpoint e : dp.endpoints()) {
            Optional<VfAllocation> allocation = Optional.ofNullable(dp.vfOf.get(e.id())).flatMap(dp.allocator::allocation)
                    .filter(a -> a.owner().equals(dp.owner(e.id())) && a.attachment() != null);
            if (allocation.isEmpty()) {
                unexplained.add("endpoint " + e.id() + " holds no VF");
                continue;
            }
            held.add(allocation.get().pciAddress());
            AttachedVf attached = allocation.get().attachment();
            readWorkload(attached).ifPresentOrElse(
                    addresses -> views.add(new BackendView.EndpointView(e.id(), addresses, e.hostInterface())),
                    () -> unexplained.add("VF " + attached.vf() + " of " + attached.pfName() + " (endpoint " + e.id()
                            + ") is not in " + attached.netns() + " as " + attached.interfaceName()));
            unexplained.addAll(settingDrift(dp, allocation.get().pciAddress(), attached));
        }
        String prefix = dp.name() + "/";
        dp.allocator.allocations().stream().filter(a -> a.owner().startsWith(prefix) && !held.contains(a.pciAddress()))
                .forEach(a -> unexplained.add("VF " + a.pciAddress() + " is held by " + a.owner() + " without an endpoint"));
        return new BackendView(dp.provider(), Set.of(BackendView.Aspect.ENDPOINTS), views, List.of(), Set.of(), List.of(),
                Set.of(), unexplained);
    }

    /** The addresses on the VF netdev in its workload, or empty when it is not there. */
    private static Optional<List<IpAddress>> readWorkload(AttachedVf attached) {
        try (NetNs ns = NetNs.open(Path.of(attached.netns())); RtNetlink inside = RtNetlink.open(ns)) {
            Optional<LinkInfo> link = inside.findLink(attached.interfaceName());
            if (link.isEmpty()) {
                return Optional.empty();
            }
            List<IpAddress> addresses = new ArrayList<>();
            for (int family : new int[] {2, 10}) {
                inside.addresses(family, link.get().index()).stream().filter(a -> a.scope() == 0) // not link-local
                        .map(a -> a.prefix().address()).forEach(addresses::add);
            }
            return Optional.of(addresses);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Each setting the attach applied that the PF's VF record no longer shows, one line each. */
    private static List<String> settingDrift(SriovDataplane dp, String pci, AttachedVf attached) {
        Optional<VfInfo> now = dp.sequence(attached.pfName(), attached.vf(), pci, attached.hostName()).readVf();
        if (now.isEmpty()) {
            return List.of("the PF " + attached.pfName() + " reports no VF " + attached.vf());
        }
        List<String> drift = new ArrayList<>();
        VfInfo v = now.get();
        for (VfSetting s : attached.applied().settings(attached.vf())) {
            boolean holds = switch (s) {
                case VfSetting.Vlan vlan -> eq(v.vlan(), vlan.vlan()) && eq(v.qos(), vlan.qos());
                case VfSetting.Mac mac -> mac.mac().equals(v.mac());
                case VfSetting.Rate rate -> eq(v.minRate(), rate.minMbps()) && eq(v.maxRate(), rate.maxMbps());
                case VfSetting.SpoofCheck sc -> v.spoofChk() == null || v.spoofChk() == sc.enabled();
                case VfSetting.Trust t -> v.trust() == null || v.trust() == t.trusted();
                case VfSetting.LinkState l -> v.linkState() == null || v.linkState() == l.state();
            };
            if (!holds) {
                drift.add("VF " + attached.vf() + " of " + attached.pfName() + ": " + VfConfig.describe(s) + " was set, the PF reports " + v);
            }
        }
        return drift;
    }

    private static boolean eq(Integer reported, int expected) {
        return reported == null || reported == expected;
    }
}
