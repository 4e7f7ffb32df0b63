package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.ConflictException;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.AddressInfo;
import dev.uniplane.linux.Errno;
import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.VfLinkState;
import dev.uniplane.tck.RequireAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The attach/restore sequence on the real kernel, with veth stand-ins in private namespaces: {@code vf0} plays the VF
 * netdev and its peer {@code pf0} the PF. A veth has no {@code ndo_set_vf_*}, so every PF-side setting must come back
 * as EOPNOTSUPP naming the PF, the VF and the setting, with nothing left changed.
 */
class VfSequenceTest {
    private static final MacAddress VF_MAC = MacAddress.parse("02:00:00:00:5a:01");
    private static final MacAddress WORKLOAD_MAC = MacAddress.parse("02:00:00:00:5a:77");

    private final List<String> namespaces = new ArrayList<>();
    private String run;
    private NetNs hostNs;
    private RtNetlink host;
    private VfSequence sequence;
    private String workloadPath;

    @BeforeEach
    void setUp() {
        RequireAll.prerequisite(isRoot(), "root (CAP_NET_ADMIN, CAP_SYS_ADMIN) for namespaces and rtnetlink");
        run = "hsri" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        hostNs = namespace("h");
        workloadPath = NetNs.RUN_DIR.resolve(run + "w").toString();
        namespace("w").close(); // the sequence must not rely on a handle the test holds
        host = RtNetlink.open(hostNs);
        host.createVethPair("vf0", "pf0", null);
        int vf0 = host.index("vf0");
        host.setMac(vf0, VF_MAC);
        host.setUp(vf0, true);
        host.setUp(host.index("pf0"), true);
        sequence = new VfSequence(hostNs, host, "pf0", 0, VfNetdev.named("vf0"));
    }

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        if (hostNs != null) {
            hostNs.close();
        }
        for (String ns : namespaces) {
            if (Files.exists(NetNs.RUN_DIR.resolve(ns))) {
                NetNs.delete(ns);
            }
        }
    }

    private NetNs namespace(String tag) {
        String name = run + tag;
        NetNs ns = NetNs.create(name);
        namespaces.add(name);
        return ns;
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private WorkloadNetdev workload(String... gateways) {
        return new WorkloadNetdev(workloadPath, "net1", WORKLOAD_MAC, 1400,
                List.of(InterfaceAddress.parse("192.0.2.10/24"), InterfaceAddress.parse("2001:db8::10/64")),
                java.util.Arrays.stream(gateways).map(IpAddress::parse).toList());
    }

    private <T> T inWorkload(java.util.function.Function<RtNetlink, T> read) {
        try (NetNs ns = NetNs.open(Path.of(workloadPath)); RtNetlink nl = RtNetlink.open(ns)) {
            return read.apply(nl);
        }
    }

    private void assertVfBackAsBefore() {
        LinkInfo vf = host.link("vf0");
        assertThat(vf.mac()).isEqualTo(VF_MAC);
        assertThat(vf.mtu()).isEqualTo(1500);
        assertThat(vf.up()).isTrue();
        boolean left = inWorkload(nl -> nl.findLink("net1").isPresent());
        assertThat(left).as("net1 left in the workload").isFalse();
    }

    @Test
    void movesRenamesAndConfiguresTheNetdevThenRestoresIt() {
        AttachedVf attached = sequence.attach(VfConfig.NONE, workload("192.0.2.1", "2001:db8::1"));

        assertThat(host.findLink("vf0")).isEmpty();
        LinkInfo net1 = inWorkload(nl -> nl.link("net1"));
        assertThat(net1.mac()).isEqualTo(WORKLOAD_MAC);
        assertThat(net1.mtu()).isEqualTo(1400);
        assertThat(net1.up()).isTrue();
        List<InterfaceAddress> addresses = inWorkload(nl -> nl.addresses(RtNetlink.AF_UNSPEC, net1.index()))
                .stream().map(AddressInfo::prefix).toList();
        assertThat(addresses).contains(InterfaceAddress.parse("192.0.2.10/24"), InterfaceAddress.parse("2001:db8::10/64"));
        List<RouteInfo> v4 = inWorkload(nl -> nl.routes(RtNetlink.AF_INET, 0));
        assertThat(v4).anySatisfy(r -> {
            assertThat(r.destination()).isEqualTo(IpPrefix.parse("0.0.0.0/0"));
            assertThat(r.gateway()).isEqualTo(IpAddress.parse("192.0.2.1"));
            assertThat(r.ifIndex()).isEqualTo(net1.index());
        });
        List<RouteInfo> v6 = inWorkload(nl -> nl.routes(RtNetlink.AF_INET6, 0));
        assertThat(v6).anySatisfy(r -> {
            assertThat(r.destination()).isEqualTo(IpPrefix.parse("::/0"));
            assertThat(r.gateway()).isEqualTo(IpAddress.parse("2001:db8::1"));
        });
        assertThat(attached).isEqualTo(new AttachedVf("pf0", 0, "vf0", VF_MAC, 1500, true, workloadPath, "net1",
                VfConfig.NONE, null));

        RestoreReport report = sequence.restore(attached);

        assertThat(report.problems()).isEmpty();
        assertThat(report.netdevLocation()).isEqualTo("workload");
        assertVfBackAsBefore();
    }

    @Test
    void aVethPfReportsNoVfRecord() {
        assertThat(sequence.readVf()).isEmpty();
    }

    @Test
    void everyPfSideSettingIsRefusedWithEopnotsuppNamingItAndNothingChanges() {
        List<VfConfig> each = List.of(
                new VfConfig(null, 100, 3, null, null, null, null, null, null),
                new VfConfig(MacAddress.parse("02:00:00:00:5a:02"), null, null, null, null, null, null, null, null),
                new VfConfig(null, null, null, null, 0, 50, null, null, null),
                new VfConfig(null, null, null, null, null, null, false, null, null),
                new VfConfig(null, null, null, null, null, null, null, true, null),
                new VfConfig(null, null, null, null, null, null, null, null, VfLinkState.DISABLE));
        List<String> described = List.of("vlan 100 qos 3 proto 802.1Q", "mac 02:00:00:00:5a:02",
                "min_tx_rate 0 max_tx_rate 50 (Mbit/s)", "spoofchk off", "trust on", "state disable");
        for (int i = 0; i < each.size(); i++) {
            VfConfig config = each.get(i);
            String setting = described.get(i);
            assertThatThrownBy(() -> sequence.attach(config, workload()))
                    .isInstanceOfSatisfying(LinuxException.class, e -> {
                        assertThat(e.errno()).isEqualTo(Errno.EOPNOTSUPP);
                        assertThat(e.getMessage()).startsWith("set VF 0 " + setting + " through PF pf0: EOPNOTSUPP (95): "
                                + "the PF's driver does not implement this VF setting");
                    });
            assertVfBackAsBefore();
        }
    }

    @Test
    void theLinkLocalGatewayGetsALinkRouteSoTheDefaultRouteIsAccepted() {
        sequence.attach(VfConfig.NONE, workload("169.254.1.1", "fe80::1"));

        try (NetNs w = NetNs.open(Path.of(workloadPath)); RtNetlink inside = RtNetlink.open(w)) {
            int net1 = inside.index("net1");
            assertThat(inside.routes(2, dev.uniplane.linux.RouteSpec.TABLE_MAIN)).as("IPv4 routes in the workload")
                    .anyMatch(r -> r.destination().toString().equals("169.254.1.1/32") && r.ifIndex() == net1)
                    .anyMatch(r -> r.destination().length() == 0 && "169.254.1.1".equals(String.valueOf(r.gateway())));
            assertThat(inside.routes(10, dev.uniplane.linux.RouteSpec.TABLE_MAIN)).as("IPv6 default route")
                    .anyMatch(r -> r.destination().length() == 0 && "fe80::1".equals(String.valueOf(r.gateway())));
        }
    }

    @Test
    void aFailureAfterTheMoveBringsTheNetdevBack() {
        // 198.51.100.1 is not on 192.0.2.0/24: the default route is refused after the netdev was moved and configured
        assertThatThrownBy(() -> sequence.attach(VfConfig.NONE, workload("198.51.100.1")))
                .isInstanceOfSatisfying(LinuxException.class, e -> assertThat(e.errnoName()).isEqualTo("ENETUNREACH"));

        assertVfBackAsBefore();
        assertThat(host.link("vf0").name()).isEqualTo("vf0");
    }

    @Test
    void aTakenNameInTheWorkloadIsAConflictAndNothingMoves() {
        try (NetNs ns = NetNs.open(Path.of(workloadPath)); RtNetlink nl = RtNetlink.open(ns)) {
            nl.createVethPair("net1", "other1", null);
        }

        assertThatThrownBy(() -> sequence.attach(VfConfig.NONE, workload()))
                .isInstanceOf(ConflictException.class).hasMessageContaining("interfaceName=\"net1\"");
        assertThat(host.link("vf0").mac()).isEqualTo(VF_MAC);
    }

    @Test
    void aMissingWorkloadNamespaceIsRefusedNamingIt() {
        WorkloadNetdev nowhere = new WorkloadNetdev("/run/netns/" + run + "none", "net1", null, null, List.of(), List.of());

        assertThatThrownBy(() -> sequence.attach(VfConfig.NONE, nowhere))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.field()).isEqualTo("netns");
                    assertThat(e.getMessage()).contains("ENOENT");
                });
        assertThat(host.findLink("vf0")).isPresent();
    }

    @Test
    void restoreResetsOnlyWhatWasSetAndReportsWhatThePfRefuses() {
        AttachedVf attached = sequence.attach(VfConfig.NONE, workload("192.0.2.1"));
        AttachedVf claimed = new AttachedVf(attached.pfName(), 0, "vf0", VF_MAC, 1500, true, workloadPath, "net1",
                new VfConfig(null, null, null, null, null, null, null, true, null), null);

        RestoreReport report = sequence.restore(claimed);

        assertThat(report.problems()).singleElement().asString()
                .startsWith("reset VF 0 trust off through PF pf0: set vf 0 trust link #").contains("EOPNOTSUPP (95)");
        assertThat(report.netdevLocation()).isEqualTo("workload");
        assertVfBackAsBefore();
    }

    /**
     * A model of the kernel's behaviour for a physical VF: when its namespace dies, the netdev comes back to the
     * initial namespace under its workload name (veth stand-ins die with the namespace instead, so the test moves it).
     */
    @Test
    void aNetdevReturnedToTheHostAfterItsNamespaceDiedIsFoundAndRenamed() {
        AttachedVf attached = sequence.attach(VfConfig.NONE, workload("192.0.2.1"));
        try (NetNs ns = NetNs.open(Path.of(workloadPath)); RtNetlink nl = RtNetlink.open(ns)) {
            nl.moveToNetns(nl.index("net1"), hostNs);
        }
        NetNs.delete(run + "w");

        RestoreReport report = sequence.restore(attached);

        assertThat(report.problems()).isEmpty();
        assertThat(report.netdevLocation()).isEqualTo("host");
        assertThat(host.findLink("net1")).isEmpty();
        LinkInfo vf = host.link("vf0");
        assertThat(vf.mac()).isEqualTo(VF_MAC);
        assertThat(vf.mtu()).isEqualTo(1500);
        assertThat(vf.up()).isTrue();
    }

    @Test
    void aNetdevThatDiedWithItsNamespaceIsReportedMissing() throws Exception {
        AttachedVf attached = sequence.attach(VfConfig.NONE, workload("192.0.2.1"));
        NetNs.delete(run + "w");
        // the kernel tears the namespace down asynchronously; the veth pair goes with it
        for (int i = 0; i < 100 && host.findLink("pf0").isPresent(); i++) {
            Thread.sleep(50);
        }

        RestoreReport report = sequence.restore(attached);

        assertThat(report.netdevLocation()).isEqualTo("missing");
        assertThat(report.problems()).containsExactly("netdev vf0 is neither in " + workloadPath + " nor in the host namespace");
    }
}
