package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.Sysfs;
import dev.uniplane.linux.VfInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The host layer on real VFs: run by {@code scripts/sriov-guest.sh} inside the QEMU igb guest (the host's JDK over
 * 9p), not by surefire. Prints {@code REALVF: PASS ...} / {@code REALVF: FAIL ...} lines and exits non-zero on a failure.
 * Steps: discover the PF, set 4 VFs (0 then N), allocate two VFs, attach VF A with MAC/VLAN/QoS/rate/spoofchk/trust
 * and verify through the PF's VF record and inside the namespace, restore and verify the original record; attach VF B,
 * delete its namespace before the restore, restore from the host namespace.
 */
public final class RealVfCheck {
    private static int failures;

    private RealVfCheck() {
    }

    public static void main(String[] args) throws Exception {
        SriovHost sysfs = new SriovHost(Sysfs.system());
        PhysicalFunction pf = sysfs.physicalFunctions().getFirst();
        check("discovered PF " + pf.name() + " " + pf.vendor() + ":" + pf.device() + " driver " + pf.driver()
                + " totalvfs " + pf.totalVfs(), pf.totalVfs() > 0);
        sysfs.setNumVfs(pf, 4);
        for (int i = 0; i < 50 && sysfs.physicalFunction(pf.name()).orElseThrow().vfs().stream().anyMatch(v -> v.netdev() == null); i++) {
            Thread.sleep(100);
        }
        pf = sysfs.physicalFunction(pf.name()).orElseThrow();
        check("4 VFs with netdevs: " + pf.vfs(), pf.vfs().size() == 4 && pf.vfs().stream().allMatch(v -> v.netdev() != null));

        VfAllocator allocator = new VfAllocator(Path.of("/run/uniplane/sriov"));
        List<VirtualFunction> pool = VfSelector.parse(k -> k.equals(VfSelector.DRIVER) ? "igbvf" : null).select(List.of(pf));
        VirtualFunction a = allocator.allocate("guest/a", "/run/netns/hsria", pool).map(x -> pool.get(x.vf())).orElseThrow();
        VirtualFunction b = allocator.allocate("guest/b", "/run/netns/hsrib", pool).map(x -> pool.get(x.vf())).orElseThrow();
        check("allocated VF " + a.index() + " and VF " + b.index(), a.index() != b.index());

        try (NetNs host = NetNs.current(); RtNetlink links = RtNetlink.open()) {
            links.setUp(links.index(pf.name()), true);
            NetNs.create("hsria").close();
            VfSequence seqA = new VfSequence(host, links, pf.name(), a.index(), VfNetdev.ofPci(sysfs, a.pciAddress(), a.netdev()));
            VfInfo before = seqA.readVf().orElseThrow();
            System.out.println("REALVF: original " + before);
            MacAddress admin = MacAddress.parse("02:00:00:00:0a:01");
            VfConfig config = new VfConfig(admin, 200, 5, null, null, 50, false, true, null);
            long t0 = System.nanoTime();
            AttachedVf attached = seqA.attach(config, new WorkloadNetdev("/run/netns/hsria", "net1", admin, 1400,
                    List.of(InterfaceAddress.parse("192.0.2.10/24")), List.of()));
            long attachNs = System.nanoTime() - t0;
            VfInfo during = seqA.readVf().orElseThrow();
            System.out.println("REALVF: during " + during + " (attach " + attachNs / 1_000_000 + " ms)");
            check("PF shows mac/vlan/qos/max rate/spoofchk/trust", admin.equals(during.mac()) && Objects.equals(during.vlan(), 200)
                    && Objects.equals(during.qos(), 5) && Objects.equals(during.maxRate(), 50)
                    && Boolean.FALSE.equals(during.spoofChk()) && Boolean.TRUE.equals(during.trust()));
            try (NetNs w = NetNs.open("hsria"); RtNetlink inside = RtNetlink.open(w)) {
                LinkInfo net1 = inside.link("net1");
                check("net1 in the workload: mac " + net1.mac() + " mtu " + net1.mtu() + " up " + net1.up(),
                        admin.equals(net1.mac()) && net1.mtu() == 1400 && net1.up());
            }
            check("the VF netdev left the host's sysfs", sysfs.netdevOf(a.pciAddress()).isEmpty());
            allocator.update(allocator.allocation(a.pciAddress()).orElseThrow().withAttachment(attached));
            t0 = System.nanoTime();
            RestoreReport report = seqA.restore(allocator.allocation(a.pciAddress()).orElseThrow().attachment());
            long restoreNs = System.nanoTime() - t0;
            VfInfo after = seqA.readVf().orElseThrow();
            System.out.println("REALVF: after " + after + " (restore " + restoreNs / 1_000_000 + " ms) " + report);
            check("restore complete from the workload", report.complete() && report.netdevLocation().equals("workload"));
            // igb reports a MAC the VF set itself (our netdev MAC restore, done after the admin MAC was cleared, as
            // sriov-cni does) as the VF's MAC: the record shows the restored netdev MAC instead of 00:00:00:00:00:00
            MacAddress hostMac = attached.hostMac();
            check("PF record back to the original (MAC " + after.mac() + ": the original or the restored netdev MAC "
                    + hostMac + ")", new VfInfo(after.vf(), before.mac(), after.vlan(), after.qos(), after.vlanProto(),
                    after.minRate(), after.maxRate(), after.spoofChk(), after.trust(), after.linkState(), null).equals(before)
                    && (after.mac().equals(before.mac()) || after.mac().equals(hostMac)));
            check("VF netdev back as " + a.netdev(), sysfs.netdevOf(a.pciAddress()).equals(java.util.Optional.of(a.netdev())));
            check("released A", allocator.release(a.pciAddress(), "guest/a"));
            NetNs.delete("hsria");

            NetNs.create("hsrib").close();
            VfSequence seqB = new VfSequence(host, links, pf.name(), b.index(), VfNetdev.ofPci(sysfs, b.pciAddress(), b.netdev()));
            AttachedVf attachedB = seqB.attach(new VfConfig(null, 300, null, null, null, null, null, null, null),
                    new WorkloadNetdev("/run/netns/hsrib", "net1", null, null, List.of(), List.of()));
            NetNs.delete("hsrib");
            for (int i = 0; i < 50 && sysfs.netdevOf(b.pciAddress()).isEmpty(); i++) {
                Thread.sleep(100);
            }
            System.out.println("REALVF: after netns delete the VF netdev is " + sysfs.netdevOf(b.pciAddress()));
            RestoreReport reportB = seqB.restore(attachedB);
            System.out.println("REALVF: " + reportB);
            check("restore after netns delete found it in the host", reportB.complete() && reportB.netdevLocation().equals("host"));
            check("VF B netdev back as " + b.netdev(), sysfs.netdevOf(b.pciAddress()).equals(java.util.Optional.of(b.netdev())));
            check("VF B vlan reset", Objects.equals(seqB.readVf().orElseThrow().vlan(), 0));
            check("released B", allocator.release(b.pciAddress(), "guest/b"));
        }
        sysfs.setNumVfs(pf, 0);
        check("numvfs 0 removes the VFs", sysfs.physicalFunction(pf.name()).orElseThrow().vfs().isEmpty());
        System.out.println("REALVF: " + (failures == 0 ? "ALL PASSED" : failures + " FAILED"));
        System.exit(failures == 0 ? 0 : 1);
    }

    private static void check(String what, boolean ok) {
        System.out.println("REALVF: " + (ok ? "PASS " : "FAIL ") + what);
        if (!ok) {
            failures++;
        }
    }
}
