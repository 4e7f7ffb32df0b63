package dev.uniplane.provider.ovsdpdk.internal.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.provider.ovsdpdk.internal.TestNet;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Op;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.OvsdbClient;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.OvsdbException;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.OvsdbJson;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.PortSpec;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Rows.BridgeRow;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.Rows.InterfaceRow;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** One private OVS-DPDK instance for the class; OVSDB client against the real ovsdb-server and vswitchd. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OvsInstanceAndOvsdbIntegrationTest {
    private static OvsInstance ovs;
    private static TestNet net;

    @BeforeAll
    static void startInstance() {
        TestNet.requireOvsDpdk();
        net = new TestNet();
        ovs = OvsInstance.start();
    }

    @AfterAll
    static void stopInstance() {
        try {
            if (ovs != null) {
                Path dir = ovs.directory().orElseThrow();
                String prefix = ovs.dpdkPrefix().orElseThrow();
                long vswitchd = ovs.vswitchdPid().orElseThrow();
                ovs.close();
                ovs.close();
                assertThat(ProcessHandle.of(vswitchd).map(ProcessHandle::isAlive).orElse(false)).isFalse();
                assertThat(dir).doesNotExist();
                assertThat(Path.of("/var/run/dpdk", prefix)).doesNotExist();
                System.out.println("OVS stop times (vswitchd, ovsdb-server): " + ovs.stopTimes());
            }
        } finally {
            if (net != null) {
                net.close();
            }
        }
    }

    @Test
    @Order(1)
    void anEalErrorAbortsVswitchdAndStartCleansUpEverything() throws Exception {
        // Without --legacy-mem, OVS 3.1 appends --in-memory, which --no-huge rejects (NOTES 4.2).
        OvsInstance.Options broken = new OvsInstance.Options(Map.of("dpdk-extra", "--no-huge -m 256 --no-pci --file-prefix=" + OvsInstance.Options.PREFIX_PLACEHOLDER),
                Duration.ofSeconds(20));
        List<Path> before = upovsEntries();

        assertThatThrownBy(() -> OvsInstance.start(broken))
                .isInstanceOf(OvsDaemonException.class)
                .hasMessageContaining("dpdk_initialized")
                .hasMessageContaining("EAL");

        // The box is shared: another process's instance started meanwhile (its daemons name the directory) is not ours.
        List<Path> after = new java.util.ArrayList<>(upovsEntries());
        after.removeIf(p -> !before.contains(p) && usedByARunningProcess(p.getFileName().toString()));
        assertThat(after).containsExactlyInAnyOrderElementsOf(before);
    }

    private static boolean usedByARunningProcess(String name) {
        return ProcessHandle.allProcesses().anyMatch(h -> h.info().arguments().map(args -> java.util.Arrays.stream(args)
                .anyMatch(a -> a.contains(name))).orElse(false));
    }

    private static List<Path> upovsEntries() throws Exception {
        List<Path> entries = new java.util.ArrayList<>();
        for (Path dir : List.of(Path.of("/tmp"), Path.of("/var/run/dpdk"))) {
            if (Files.isDirectory(dir)) {
                try (var list = Files.list(dir)) {
                    list.filter(p -> p.getFileName().toString().startsWith("upovs")).forEach(entries::add);
                }
            }
        }
        return entries;
    }

    @Test
    @Order(2)
    void privateInstanceRunsDpdkWithTheConfiguredEal() throws Exception {
        OvsdbClient db = ovs.ovsdb();
        // vswitchd writes dpdk_version in a later transaction than dpdk_initialized.
        db.cache().await(c -> !c.root().orElseThrow().optionalString("dpdk_version").isEmpty(), Duration.ofSeconds(5), () -> true);
        var root = db.cache().root().orElseThrow();

        assertThat(root.bool("dpdk_initialized")).isTrue();
        assertThat(root.optionalString("dpdk_version")).startsWith("DPDK 22.11");
        assertThat(root.stringMap("other_config")).containsEntry("pmd-maxsleep", "10000")
                .containsEntry("dpdk-extra", "--no-huge -m 256 --no-pci --legacy-mem --file-prefix=" + ovs.dpdkPrefix().orElseThrow());
        assertThat(db.listDbs()).contains("Open_vSwitch");
        assertThat(Path.of("/var/run/dpdk", ovs.dpdkPrefix().orElseThrow())).isDirectory();
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    @Test
    @Order(3)
    void addBridgeReturnsOnceVswitchdCreatedItsManagementSocket() {
        BridgeRow bridge = ovs.ovsdb().addBridge(net.prefix() + "br", "netdev", Map.of("owner", "uniplane"));

        assertThat(bridge.datapathType()).isEqualTo("netdev");
        assertThat(bridge.externalIds()).containsEntry("owner", "uniplane");
        assertThat(bridge.ports()).hasSize(1);
        assertThat(Files.exists(ovs.mgmtSocket(bridge.name()))).isTrue();
        assertThat(ovs.ovsdb().iface(bridge.name()).orElseThrow().ofport()).hasValue(65534);
    }

    @Test
    @Order(4)
    void anIdleVswitchdDoesNotBusyPoll() throws Exception {
        // The netdev datapath, and with it the PMD thread, exists once the first netdev bridge does.
        assertThat(Files.readString(ovs.directory().orElseThrow().resolve("log/ovs-vswitchd.log")))
                .contains("PMD max sleep request is 10000 usecs");
        long pid = ovs.vswitchdPid().orElseThrow();
        long before = cpuTicks(pid);
        Thread.sleep(2_000); // the measurement window itself (CPU used while idle), not a synchronisation
        double share = (cpuTicks(pid) - before) / 100.0 / 2.0;

        System.out.printf("idle vswitchd CPU: %.1f %% of a core%n", share * 100);
        // pmd-maxsleep=0 busy-polls one core (~100 %); with 10000 us it stays at a few percent.
        assertThat(share).isLessThan(0.3);
    }

    @Test
    @Order(5)
    void dpdkAfPacketPortOnAVethGetsAnOfportAndGoesAwayOnDelete() {
        String bridge = net.prefix() + "br";
        TestNet.Workload w = net.workload("a", "10.77.0.1/24");

        long t0 = System.nanoTime();
        InterfaceRow port = ovs.ovsdb().addPort(bridge, PortSpec.dpdkAfPacket(net.prefix() + "pa", w.hostIface()).withOfportRequest(7));
        long addMillis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(port.error()).isEmpty();
        assertThat(port.ofport()).hasValue(7);
        assertThat(port.type()).isEqualTo("dpdk");
        assertThat(ovs.ovsdb().bridge(bridge).orElseThrow().ports()).hasSize(2);

        t0 = System.nanoTime();
        ovs.ovsdb().deletePort(bridge, port.name());
        long deleteMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ovs.ovsdb().iface(port.name())).isEmpty();
        assertThat(ovs.ovsdb().bridge(bridge).orElseThrow().ports()).hasSize(1);
        System.out.println("first DPDK af_packet port: add " + addMillis + " ms, delete " + deleteMillis + " ms");
    }

    @Test
    @Order(6)
    void badDevargsSurfaceAsInterfaceErrorAndThePortIsRolledBack() {
        String bridge = net.prefix() + "br";
        PortSpec bad = PortSpec.dpdkAfPacket(net.prefix() + "bad", net.prefix() + "nothere");

        assertThatThrownBy(() -> ovs.ovsdb().addPort(bridge, bad))
                .isInstanceOf(OvsdbException.NotApplied.class)
                .hasMessageContaining("add port " + bad.name())
                .hasMessageContaining("Error attaching device");
        assertThat(ovs.ovsdb().iface(bad.name())).isEmpty();
    }

    @Test
    @Order(7)
    void aFailingOpIsNamedWithTheServersErrorAndDetails() {
        List<Op> ops = List.of(
                new Op.Comment("first"),
                new Op.Insert("Bridge", Map.of("name", OvsdbJson.atom("x"), "no_such_column", OvsdbJson.atom(1L)), Optional.empty()));

        assertThatThrownBy(() -> ovs.ovsdb().transact(ops))
                .isInstanceOfSatisfying(OvsdbException.TransactionFailed.class, e -> {
                    assertThat(e.opIndex()).isEqualTo(1);
                    assertThat(e.errorCode()).isEqualTo("unknown column");
                    assertThat(e.getMessage()).contains("insert Bridge name=x").contains("No column no_such_column");
                });
    }

    @Test
    @Order(8)
    void aCommitFailureNamesTheCommitAndItsOps() {
        List<Op> ops = List.of(new Op.Insert("Port", Map.of("name", OvsdbJson.atom("dangling"),
                "interfaces", OvsdbJson.uuid(new java.util.UUID(0, 1))), Optional.empty()));

        assertThatThrownBy(() -> ovs.ovsdb().transact(ops))
                .isInstanceOfSatisfying(OvsdbException.TransactionFailed.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("referential integrity violation");
                    assertThat(e.getMessage()).contains("commit of [insert Port name=dangling]");
                });
    }

    @Test
    @Order(9)
    void addPortToAMissingBridgeNamesTheBridge() {
        assertThatThrownBy(() -> ovs.ovsdb().addPort("nosuchbr", PortSpec.dpdkAfPacket("px", "nothere")))
                .isInstanceOf(OvsdbException.TransactionFailed.class).hasMessageContaining("no bridge named nosuchbr");
    }

    @Test
    @Order(10)
    void tcpRemoteSendsEchoAndTheClientAnswersIt() throws Exception {
        String ovsdbCtl = ovs.runDir().resolve("ovsdb-server.ctl").toString();
        int port = 20000 + (int) (ProcessHandle.current().pid() % 20000);
        String remote = "ptcp:" + port + ":127.0.0.1";
        assertThat(TestNet.run("ovs-appctl", "-t", ovsdbCtl, "ovsdb-server/add-remote", remote)).isZero();
        // add-remote returns before the server listens: wait until the port accepts a connection.
        assertThat(within(Duration.ofSeconds(5), () -> accepts(new InetSocketAddress("127.0.0.1", port)))).as("ovsdb-server listens on " + remote).isTrue();
        try (OvsdbClient tcp = OvsdbClient.connect(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(10))) {
            assertThat(tcp.cache().root()).isPresent();
            // The server sends an echo after 5 s idle and drops the connection ~10 s after the last traffic if unanswered:
            // within 6.5 s of going idle the client has answered one (reading the counter sends nothing).
            assertThat(within(Duration.ofMillis(6_500), () -> tcp.connection().echoesAnswered() > 0)).as("echo answered").isTrue();
            assertThat(tcp.connection().echoesAnswered()).isPositive();
            assertThat(tcp.listDbs()).contains("Open_vSwitch");

            // Removing the remote closes its sessions: the server is gone for this client.
            assertThat(TestNet.run("ovs-appctl", "-t", ovsdbCtl, "ovsdb-server/remove-remote", remote)).isZero();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (tcp.connection().isOpen() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThatThrownBy(tcp::listDbs).isInstanceOf(OvsdbException.ConnectionLost.class)
                    .hasMessageContaining("connection closed").hasMessageContaining("the server closed the connection");
        } finally {
            TestNet.run("ovs-appctl", "-t", ovsdbCtl, "ovsdb-server/remove-remote", remote);
        }
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code timeout} has passed; whether it held. */
    private static boolean within(Duration timeout, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(20); // poll interval
        }
        return true;
    }

    private static boolean accepts(InetSocketAddress address) {
        try (java.net.Socket probe = new java.net.Socket()) {
            probe.connect(address, 200);
            return true;
        } catch (java.io.IOException notYet) {
            return false;
        }
    }

    @Test
    @Order(11)
    void aSecondClientSeesTheFirstClientsChangesThroughItsMonitor() throws Exception {
        String bridge = net.prefix() + "b2";
        try (OvsdbClient other = OvsdbClient.connect(ovs.dbSocket())) {
            ovs.ovsdb().addBridge(bridge, "netdev", Map.of());
            assertThat(other.cache().await(c -> c.rowNamed("Bridge", bridge).isPresent(), Duration.ofSeconds(5), () -> true)).isTrue();
            ovs.ovsdb().deleteBridge(bridge);
            assertThat(other.cache().await(c -> c.rowNamed("Bridge", bridge).isEmpty(), Duration.ofSeconds(5), () -> true)).isTrue();
        }
    }

    @Test
    @Order(12)
    void whenTheServerGoesAwayCallsFailWithAClearException() {
        // A server of our own, so the shared instance keeps running.
        try (OvsInstance second = OvsInstance.connect(ovs.dbSocket(), ovs.runDir());
             OvsdbClient client = OvsdbClient.connect(ovs.dbSocket())) {
            client.connection().close();
            assertThatThrownBy(client::listDbs).isInstanceOf(OvsdbException.ConnectionLost.class)
                    .hasMessageContaining("connection closed");
            assertThat(second.owned()).isFalse();
        }
        assertThatThrownBy(() -> OvsdbClient.connect(ovs.runDir().resolve("nothing.sock")))
                .isInstanceOf(OvsdbException.ConnectionLost.class).hasMessageContaining("is ovsdb-server running?");
    }
}
