package dev.uniplane.provider.sriov;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.Sysfs;
import dev.uniplane.linux.VfInfo;
import dev.uniplane.provider.sriov.internal.host.PhysicalFunction;
import dev.uniplane.provider.sriov.internal.host.SriovHost;
import dev.uniplane.provider.sriov.internal.host.VfAllocation;
import dev.uniplane.provider.sriov.internal.host.VfAllocator;
import dev.uniplane.provider.sriov.internal.host.VirtualFunction;
import dev.uniplane.spi.BackendView;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The SR-IOV dataplane on real VFs: runs inside the QEMU igb guest ({@code scripts/sriov-guest.sh}, started by
 * {@link SriovGuestRunTest}), never on a host without a PF (surefire excludes the {@code sriov-guest} tag). Each test
 * opens a dataplane with {@code sriov.numvfs=4}, attaches workloads in namespaces {@code usr*}, checks what the PF and
 * the workload namespace report over rtnetlink, detaches and checks that every VF is as it was before.
 */
@Tag("sriov-guest")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SriovVfGuestTest {
    private static final String NUM_VFS = "4";
    private final List<String> namespaces = new ArrayList<>();
    private final List<Dataplane> dataplanes = new ArrayList<>();
    private SriovHost sysfs;
    private PhysicalFunction pf;
    /** Every VF's PF record and host netdev name before any test, by VF number. */
    private Map<Integer, VfInfo> originalRecords;
    private Map<Integer, String> originalNetdevs;

    @BeforeAll
    void discoverThePfAndItsVfs() throws InterruptedException {
        sysfs = new SriovHost(Sysfs.system());
        pf = sysfs.physicalFunctions().getFirst();
        sysfs.setNumVfs(pf, Integer.parseInt(NUM_VFS));
        for (int i = 0; i < 100 && sysfs.physicalFunction(pf.name()).orElseThrow().vfs().stream().anyMatch(v -> v.netdev() == null); i++) {
            Thread.sleep(100);
        }
        pf = sysfs.physicalFunction(pf.name()).orElseThrow();
        assertThat(pf.vfs()).hasSize(4).allMatch(v -> v.netdev() != null && "igbvf".equals(v.driver()));
        try (RtNetlink host = RtNetlink.open()) {
            host.setUp(host.index(pf.name()), true);
        }
        originalRecords = records();
        originalNetdevs = netdevs();
    }

    @AfterEach
    void cleanUp() {
        for (Dataplane dp : dataplanes.reversed()) {
            try {
                dp.destroy();
            } catch (RuntimeException e) {
                System.err.println("destroy " + dp.name() + ": " + e);
            }
        }
        dataplanes.clear();
        for (String ns : namespaces) {
            if (NetNs.exists(ns)) {
                NetNs.delete(ns);
            }
        }
        namespaces.clear();
    }

    @Test
    void twoWorkloadsGetVfsWithMacVlanTrustSpoofchkAndRateThatDetachPutsBack() {
        Dataplane dp = open("usrg1", Map.of("sriov.vlan", "200", "sriov.qos", "5", "sriov.spoofchk", "off",
                "sriov.trust", "on", "sriov.maxTxRate", "50", "sriov.mtu", "1400"));
        MacAddress macA = MacAddress.parse("02:00:00:00:0a:01");
        Endpoint a = dp.attach(spec("a", "usrw1", "192.0.2.10", macA));
        Endpoint b = dp.attach(spec("b", "usrw2", "192.0.2.11", null));

        VfInfo vfA = recordOf(a);
        VfInfo vfB = recordOf(b);
        assertThat(vfA.vf()).isNotEqualTo(vfB.vf());
        for (VfInfo v : List.of(vfA, vfB)) {
            assertThat(v.vlan()).as("vlan of VF %d", v.vf()).isEqualTo(200);
            assertThat(v.qos()).as("qos of VF %d", v.vf()).isEqualTo(5);
            assertThat(v.maxRate()).as("max rate of VF %d", v.vf()).isEqualTo(50);
            assertThat(v.spoofChk()).as("spoofchk of VF %d", v.vf()).isFalse();
            assertThat(v.trust()).as("trust of VF %d", v.vf()).isTrue();
        }
        assertThat(vfA.mac()).as("admin MAC of VF %d", vfA.vf()).isEqualTo(macA);
        assertThat(a.mac()).isEqualTo(macA);
        assertThat(a.kind()).isEqualTo(AttachKind.VF);
        assertThat(a.hostInterface()).isEqualTo(originalNetdevs.get(vfA.vf()));

        try (NetNs ns = NetNs.open("usrw1"); RtNetlink inside = RtNetlink.open(ns)) {
            LinkInfo net1 = inside.link("net1");
            assertThat(net1.up()).isTrue();
            assertThat(net1.mac()).isEqualTo(macA);
            assertThat(net1.mtu()).isEqualTo(1400);
            assertThat(inside.addresses(2, net1.index())).extracting(x -> x.prefix().toString()).contains("192.0.2.10/24");
            assertThat(inside.routes(2, RouteSpec.TABLE_MAIN)).as("default route via the link-local gateway")
                    .anyMatch(r -> r.destination().length() == 0 && r.destination().family() == IpFamily.IPV4);
        }
        assertThat(sysfs.netdevOf(pciOf(vfA.vf()))).as("the VF netdev left the host namespace").isEmpty();

        BackendView view = ((dev.uniplane.spi.BackendInspector) dp).inspect();
        assertThat(view.unexplained()).isEmpty();
        assertThat(view.endpoints()).extracting(e -> e.id().toString()).containsExactlyInAnyOrder("a", "b");
        assertThat(dp.stats().endpoints()).containsKeys(EndpointId.of("a"), EndpointId.of("b"));

        dp.detach(EndpointId.of("a"));
        dp.detach(EndpointId.of("b"));
        assertRestored();
    }

    @Test
    void twoVfsOnOnePfReachEachOtherThroughTheNicsSwitch() throws Exception {
        Dataplane dp = open("usrg2", Map.of());
        dp.attach(spec("a", "usrw3", "192.0.2.20", null));
        dp.attach(spec("b", "usrw4", "192.0.2.21", null));
        try (NetNs nsA = NetNs.open("usrw3"); NetNs nsB = NetNs.open("usrw4")) {
            DatagramChannel server = nsB.run(() -> DatagramChannel.open().bind(new InetSocketAddress("192.0.2.21", 7600)));
            DatagramChannel client = nsA.run(() -> DatagramChannel.open().bind(new InetSocketAddress("192.0.2.20", 0)));
            try (server; client) {
                server.configureBlocking(false);
                String received = null;
                // ARP resolution over the VFs takes a moment: resend until a datagram arrives (readiness, not a sleep)
                for (int i = 0; i < 50 && received == null; i++) {
                    client.send(ByteBuffer.wrap(("hello " + i).getBytes(StandardCharsets.UTF_8)), new InetSocketAddress("192.0.2.21", 7600));
                    Thread.sleep(100);
                    ByteBuffer in = ByteBuffer.allocate(64);
                    if (server.receive(in) != null) {
                        received = new String(in.array(), 0, in.position(), StandardCharsets.UTF_8);
                    }
                }
                assertThat(received).as("a datagram from VF a to VF b").startsWith("hello");
            }
        }
        dp.detach(EndpointId.of("a"));
        dp.detach(EndpointId.of("b"));
        assertRestored();
    }

    @Test
    void detachAfterTheWorkloadNamespaceIsGoneRestoresTheVfFromTheHostNamespace() throws InterruptedException {
        Dataplane dp = open("usrg3", Map.of("sriov.vlan", "300", "sriov.trust", "on"));
        Endpoint e = dp.attach(spec("gone", "usrw5", "192.0.2.30", MacAddress.parse("02:00:00:00:0a:05")));
        int vf = recordOf(e).vf();
        NetNs.delete("usrw5");
        for (int i = 0; i < 50 && sysfs.netdevOf(pciOf(vf)).isEmpty(); i++) {
            Thread.sleep(100); // the kernel hands the VF netdev back to the initial namespace asynchronously
        }
        dp.detach(EndpointId.of("gone"));
        assertRestored();
    }

    @Test
    void aJvmKilledBetweenAttachAndDetachLeavesAnAllocationTheNextOpenRecovers() throws Exception {
        NetNs.create("usrw6").close();
        namespaces.add("usrw6");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), SriovGuestChild.class.getName(), "usrg4", "usrw6")
                .redirectErrorStream(true).start();
        String attached = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                System.out.println("child: " + line);
                if (line.startsWith(SriovGuestChild.ATTACHED)) {
                    attached = line.substring(SriovGuestChild.ATTACHED.length()).strip().split(" ")[0];
                    break;
                }
            }
            child.destroyForcibly(); // SIGKILL: no close, no shutdown hook
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(attached).as("the child JVM attached a VF").isNotNull();
        VfAllocator allocator = new VfAllocator(VfAllocator.DEFAULT_DIRECTORY);
        Optional<VfAllocation> left = allocator.allocation(attached);
        assertThat(left).as("the killed JVM's allocation of VF %s", attached).isPresent();
        assertThat(left.get().owner()).isEqualTo("usrg4/killed");

        Dataplane reopened = open("usrg4", Map.of("sriov.vlan", "400"));
        assertThat(reopened.endpoints()).extracting(e -> e.id().toString()).containsExactly("killed");
        assertThat(allocator.allocation(attached)).as("the allocation is recovered, not freed").isPresent();
        try (NetNs ns = NetNs.open("usrw6"); RtNetlink inside = RtNetlink.open(ns)) {
            assertThat(inside.findLink("net1")).as("the VF stayed in the workload").isPresent();
        }
        assertThat(((dev.uniplane.spi.BackendInspector) reopened).inspect().unexplained()).isEmpty();
        reopened.detach(EndpointId.of("killed"));
        assertThat(allocator.allocation(attached)).isEmpty();
        assertRestored();
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private Dataplane open(String name, Map<String, String> options) {
        DataplaneConfig.Builder config = DataplaneConfig.builder().provider(SriovProvider.NAME).name(name)
                .option("sriov.numvfs", NUM_VFS);
        options.forEach(config::option);
        Dataplane dp = new SriovProvider().open(config.build());
        dataplanes.add(dp);
        return dp;
    }

    private AttachSpec spec(String id, String netns, String address, MacAddress mac) {
        if (!NetNs.exists(netns)) {
            NetNs.create(netns).close();
            namespaces.add(netns);
        }
        return AttachSpec.builder(id).netns(NetNs.RUN_DIR.resolve(netns).toString()).interfaceName("net1")
                .address(address).mac(mac).kinds(AttachKind.VF).build();
    }

    /** The PF's record of the VF an endpoint holds (found by its host netdev name). */
    private VfInfo recordOf(Endpoint e) {
        int vf = originalNetdevs.entrySet().stream().filter(x -> x.getValue().equals(e.hostInterface())).findFirst()
                .orElseThrow().getKey();
        return records().get(vf);
    }

    private String pciOf(int vf) {
        return pf.vfs().stream().filter(v -> v.index() == vf).findFirst().orElseThrow().pciAddress();
    }

    private Map<Integer, VfInfo> records() {
        try (RtNetlink host = RtNetlink.open()) {
            Map<Integer, VfInfo> out = new HashMap<>();
            for (VfInfo v : host.vfs(host.index(pf.name()))) {
                out.put(v.vf(), new VfInfo(v.vf(), v.mac(), v.vlan(), v.qos(), v.vlanProto(), v.minRate(), v.maxRate(),
                        v.spoofChk(), v.trust(), v.linkState(), null));
            }
            return out;
        }
    }

    private Map<Integer, String> netdevs() {
        Map<Integer, String> out = new HashMap<>();
        for (VirtualFunction v : pf.vfs()) {
            out.put(v.index(), sysfs.netdevOf(v.pciAddress()).orElse(null));
        }
        return out;
    }

    /**
     * Every VF back as before: the same netdev names in the host namespace and PF records equal to the originals, but
     * for the MAC, which igb reports as the one the VF netdev last set (the restored netdev MAC) once the admin MAC is
     * cleared; no allocation left.
     */
    private void assertRestored() {
        assertThat(netdevs()).as("VF netdevs back under their names").isEqualTo(originalNetdevs);
        Map<Integer, VfInfo> now = records();
        for (Map.Entry<Integer, VfInfo> e : originalRecords.entrySet()) {
            VfInfo was = e.getValue();
            VfInfo is = now.get(e.getKey());
            assertThat(new VfInfo(is.vf(), was.mac(), is.vlan(), is.qos(), is.vlanProto(), is.minRate(), is.maxRate(),
                    is.spoofChk(), is.trust(), is.linkState(), null)).as("VF %d's record after detach", e.getKey()).isEqualTo(was);
        }
        assertThat(new VfAllocator(VfAllocator.DEFAULT_DIRECTORY).allocations()).as("VF allocations left").isEmpty();
    }
}
