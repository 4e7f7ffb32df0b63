package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.provider.ovsdpdk.internal.TestNet;
import dev.uniplane.provider.ovsdpdk.internal.host.OvsInstance;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction.ApplyActions;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Instruction.GotoTable;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowStatsRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupModCommand;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupType;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.PortSpec;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenFlow channel against the real ovs-vswitchd-dpdk: bundles, flow stats, errors, groups and real packets
 * between two namespaces attached as DPDK af_packet ports (ofport 1 and 2).
 */
class OpenFlowChannelIntegrationTest {
    private static final long TEST_COOKIE = 0x7570_6f76_0000_0000L;
    private static final long COOKIE_MASK = 0xffff_ffff_0000_0000L;
    private static OvsInstance ovs;
    private static TestNet net;
    private static TestNet.Workload a;
    private static TestNet.Workload b;
    private static OpenFlowChannel of;

    @BeforeAll
    static void setUp() {
        TestNet.requireOvsDpdk();
        net = new TestNet();
        try {
            ovs = OvsInstance.start();
            String bridge = net.prefix() + "br";
            ovs.ovsdb().addBridge(bridge, "netdev", Map.of("owner", "uniplane"));
            a = net.workload("a", "10.78.0.1/24");
            b = net.workload("b", "10.78.0.2/24");
            ovs.ovsdb().addPort(bridge, PortSpec.dpdkAfPacket(net.prefix() + "pa", a.hostIface()).withOfportRequest(1));
            ovs.ovsdb().addPort(bridge, PortSpec.dpdkAfPacket(net.prefix() + "pb", b.hostIface()).withOfportRequest(2));
            of = OpenFlowChannel.connect(ovs.mgmtSocket(bridge), Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            tearDown();
            throw e;
        }
    }

    @AfterAll
    static void tearDown() {
        if (of != null) {
            of.close();
        }
        if (ovs != null) {
            ovs.close();
        }
        if (net != null) {
            net.close();
        }
    }

    @BeforeEach
    void removeAllFlows() {
        of.apply(List.of(new Labeled("delete all flows", FlowMod.deleteByCookie(0, 0, 0)),
                new Labeled("delete all groups", new GroupMod(0, GroupModCommand.DELETE, GroupType.ALL, GroupMod.ALL_GROUPS, List.of()))));
    }

    private static Inet4Address v4(String address) throws Exception {
        return (Inet4Address) InetAddress.getByName(address);
    }

    @Test
    void twoIdleDpdkPortsDoNotMakeThePmdBusyPoll() throws Exception {
        long pid = ovs.vswitchdPid().orElseThrow();
        long before = cpuTicks(pid);
        Thread.sleep(2_000);
        double share = (cpuTicks(pid) - before) / 100.0 / 2.0;

        System.out.printf("vswitchd CPU with 2 idle af_packet ports: %.1f %% of a core%n", share * 100);
        assertThat(share).as("pmd-maxsleep=10000 keeps an idle PMD from spinning").isLessThan(0.3);
    }

    private static long cpuTicks(long pid) throws Exception {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    @Test
    void handshakeReportsTheDatapath() {
        assertThat(of.features().datapathId()).isNotZero();
        assertThat(of.features().nTables()).isEqualTo(254);
    }

    @Test
    void flowsInstalledInOneBundleReadBackThroughFlowStats() throws Exception {
        FlowMod route = FlowMod.add(0, 1, 200, TEST_COOKIE | 1,
                Match.of(new Oxm.EthType(0x0800), new Oxm.Ipv4Dst(v4("10.78.0.0"), 24)),
                List.of(ApplyActions.of(new Action.DecNwTtl(), new Action.SetField(new Oxm.EthDst(0x0200_0000_0002L)),
                        Action.Output.to(2))));
        FlowMod web = FlowMod.add(0, 0, 300, TEST_COOKIE | 2,
                Match.of(new Oxm.InPort(1), new Oxm.EthType(0x0800), new Oxm.Ipv4Src(v4("10.78.0.0"), 16),
                        new Oxm.IpProto(6), new Oxm.TcpDst(80)),
                List.of(new GotoTable(1)));
        FlowMod v6 = FlowMod.add(0, 0, 100, TEST_COOKIE | 3,
                Match.of(new Oxm.EthType(0x86dd), new Oxm.Ipv6Dst((Inet6Address) InetAddress.getByName("fd00:78::"), 64),
                        new Oxm.IpProto(17), new Oxm.UdpSrc(53)),
                List.of());

        of.applyBundle(List.of(new Labeled("route", route), new Labeled("web", web), new Labeled("v6-drop", v6)));

        List<FlowStats> flows = of.flowStats(new FlowStatsRequest(0, 0xff, Action.PORT_ANY, Action.PORT_ANY, TEST_COOKIE,
                COOKIE_MASK, Match.any()));
        assertThat(flows).hasSize(3);
        FlowStats readRoute = flows.stream().filter(f -> f.cookie() == (TEST_COOKIE | 1)).findFirst().orElseThrow();
        assertThat(readRoute.tableId()).isEqualTo(1);
        assertThat(readRoute.priority()).isEqualTo(200);
        assertThat(readRoute.match()).isEqualTo(route.match());
        assertThat(readRoute.instructions()).isEqualTo(route.instructions());
        FlowStats readWeb = flows.stream().filter(f -> f.cookie() == (TEST_COOKIE | 2)).findFirst().orElseThrow();
        assertThat(readWeb.match().fields()).containsExactlyInAnyOrderElementsOf(web.match().fields());
        assertThat(readWeb.instructions()).isEqualTo(web.instructions());
        FlowStats readV6 = flows.stream().filter(f -> f.cookie() == (TEST_COOKIE | 3)).findFirst().orElseThrow();
        assertThat(readV6.match().fields()).containsExactlyInAnyOrderElementsOf(v6.match().fields());
        assertThat(readV6.instructions()).isEmpty();
    }

    @Test
    void conntrackFlowsInstallAndReadBackEqual() throws Exception {
        int est = Nxm.CS_TRACKED | Nxm.CS_ESTABLISHED;
        FlowMod track = FlowMod.add(0, 0, 100, TEST_COOKIE | 11, Match.of(new Oxm.InPort(1), new Oxm.EthType(0x0800)),
                List.of(ApplyActions.of(Action.Conntrack.track(77, 1))));
        FlowMod established = FlowMod.add(0, 1, 200, TEST_COOKIE | 12,
                Match.of(new Oxm.EthType(0x0800), Nxm.ctState(est, est), Nxm.ctZone(77)),
                List.of(ApplyActions.of(new Action.SetField(Nxm.reg(2, 2)), new Action.Resubmit(6))));
        FlowMod commit = FlowMod.add(0, 6, 100, TEST_COOKIE | 13,
                Match.of(Nxm.reg(2, 2), new Oxm.EthType(0x0800), new Oxm.IpProto(6), Nxm.portDst(Nxm.OFB_TCP_DST, 7260, 0xfff8),
                        Nxm.ctMark(0, 1)),
                List.of(ApplyActions.of(Action.Conntrack.commit(77), Action.Output.to(2))));

        of.applyBundle(List.of(new Labeled("track", track), new Labeled("established", established), new Labeled("commit", commit)));

        List<FlowStats> flows = of.flowStats(new FlowStatsRequest(0, 0xff, Action.PORT_ANY, Action.PORT_ANY, TEST_COOKIE,
                COOKIE_MASK, Match.any()));
        assertThat(flows).hasSize(3);
        for (FlowMod sent : List.of(track, established, commit)) {
            FlowStats read = flows.stream().filter(f -> f.cookie() == sent.cookie()).findFirst().orElseThrow();
            assertThat(read.match().fields()).containsExactlyInAnyOrderElementsOf(sent.match().fields());
            assertThat(read.instructions()).isEqualTo(sent.instructions());
        }
    }

    @Test
    void ctWithoutAnIpMatchIsRejectedByTheSwitch() {
        FlowMod bad = FlowMod.add(0, 0, 100, TEST_COOKIE | 14, Match.of(new Oxm.InPort(1)),
                List.of(ApplyActions.of(Action.Conntrack.commit(77))));
        assertThatThrownBy(() -> of.applyBundle(List.of(new Labeled("ct without ip", bad))))
                .isInstanceOf(OpenFlowException.class).hasMessageContaining("ct without ip");
    }

    @Test
    void aRejectedFlowModInABundleLeavesNothingInstalledAndNamesTheRule() throws Exception {
        FlowMod good = FlowMod.add(0, 0, 10, TEST_COOKIE | 10, Match.of(new Oxm.InPort(1)), List.of(ApplyActions.of(Action.Output.to(2))));
        // IPV4_DST without ETH_TYPE: OVS enforces prerequisites.
        FlowMod bad = FlowMod.add(0, 0, 20, TEST_COOKIE | 11, Match.of(new Oxm.Ipv4Dst(v4("10.78.0.2"), 32)), List.of());

        assertThatThrownBy(() -> of.applyBundle(List.of(new Labeled("allow a->b", good), new Labeled("policy rule deny-db", bad))))
                .isInstanceOfSatisfying(OpenFlowException.class, e -> {
                    assertThat(e.label()).isEqualTo("policy rule deny-db");
                    assertThat(e.errorCode()).isEqualTo("BAD_MATCH/BAD_PREREQ");
                    assertThat(e.getMessage()).contains("policy rule deny-db").contains("BAD_MATCH/BAD_PREREQ");
                });

        assertThat(of.flowStats(new FlowStatsRequest(0, 0xff, Action.PORT_ANY, Action.PORT_ANY, TEST_COOKIE, COOKIE_MASK,
                Match.any()))).isEmpty();
    }

    @Test
    void aCommitTimeFailureRollsBackTheWholeBundle() {
        FlowMod good = FlowMod.add(0, 0, 10, TEST_COOKIE | 20, Match.of(new Oxm.InPort(1)), List.of(ApplyActions.of(Action.Output.to(2))));
        // Valid on its own, but the group does not exist: detected when the bundle is applied.
        FlowMod toMissingGroup = FlowMod.add(0, 0, 11, TEST_COOKIE | 21, Match.of(new Oxm.InPort(2)),
                List.of(ApplyActions.of(new Action.Group(4242))));

        assertThatThrownBy(() -> of.applyBundle(List.of(new Labeled("ok", good), new Labeled("route via group 4242", toMissingGroup))))
                .isInstanceOfSatisfying(OpenFlowException.class, e -> {
                    // The switch reports the message by the xid of its ADD (the embedded message carries the same),
                    // then fails the COMMIT as a whole.
                    assertThat(e.getMessage()).contains("route via group 4242").contains("BAD_ACTION/BAD_OUT_GROUP")
                            .contains("BUNDLE_ADD_MESSAGE");
                    assertThat(e.getSuppressed()).singleElement().satisfies(commit ->
                            assertThat(commit.getMessage()).contains("COMMIT_REQUEST").contains("BUNDLE_FAILED/MSG_FAILED"));
                });

        assertThat(of.flowStats(new FlowStatsRequest(0, 0xff, Action.PORT_ANY, Action.PORT_ANY, TEST_COOKIE, COOKIE_MASK,
                Match.any()))).isEmpty();
    }

    @Test
    void applyOutsideABundleReportsTheRejectedRuleAtTheBarrier() {
        FlowMod bad = FlowMod.add(0, 0, 20, TEST_COOKIE | 30, Match.of(new Oxm.TcpDst(80)), List.of());

        assertThatThrownBy(() -> of.apply(List.of(new Labeled("tcp without ip_proto", bad))))
                .isInstanceOfSatisfying(OpenFlowException.class, e -> assertThat(e.label()).isEqualTo("tcp without ip_proto"));
    }

    @Test
    void packetsFlowThroughASelectGroupAndStopAtADropFlow() throws Exception {
        GroupMod toB = new GroupMod(0, GroupModCommand.ADD, GroupType.SELECT, 7, List.of(Bucket.weighted(100, Action.Output.to(2))));
        of.applyBundle(List.of(
                new Labeled("group 7 -> b", toB),
                new Labeled("a -> group 7", FlowMod.add(0, 0, 100, TEST_COOKIE | 40, Match.of(new Oxm.InPort(1)),
                        List.of(ApplyActions.of(new Action.Group(7))))),
                new Labeled("b -> a", FlowMod.add(0, 0, 100, TEST_COOKIE | 41, Match.of(new Oxm.InPort(2)),
                        List.of(ApplyActions.of(Action.Output.to(1)))))));

        assertThat(TestNet.ping(a, "10.78.0.2", 3)).as("ping a -> b through OVS-DPDK").isTrue();
        List<PortStats> ports = of.portStats();
        assertThat(ports.stream().filter(p -> p.portNo() == 1).findFirst().orElseThrow().rxPackets()).isPositive();
        assertThat(ports.stream().filter(p -> p.portNo() == 2).findFirst().orElseThrow().txPackets()).isPositive();

        of.apply(List.of(new Labeled("deny ip from a", FlowMod.add(0, 0, 1000, TEST_COOKIE | 42,
                Match.of(new Oxm.InPort(1), new Oxm.EthType(0x0800)), List.of()))));

        assertThat(TestNet.ping(a, "10.78.0.2", 2)).as("ping a -> b after the drop flow").isFalse();
        // Counters lag the datapath by up to a revalidation round (~1 s, NOTES 4.5).
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long dropped = 0;
        while (System.nanoTime() < deadline && dropped == 0) {
            dropped = of.flowStats().stream().filter(f -> f.cookie() == (TEST_COOKIE | 42)).mapToLong(FlowStats::packetCount).sum();
            Thread.sleep(200);
        }
        assertThat(dropped).isPositive();
    }

    // --- conjunctive matches ------------------------------------------------------------------------------------

    /** {@code ovs-ofctl -O OpenFlow13 <args...>} against our bridge; its stdout. */
    private static String ofctl(String... args) throws Exception {
        List<String> argv = new java.util.ArrayList<>(List.of("ovs-ofctl", "-O", "OpenFlow13"));
        argv.add(args[0]);
        argv.add("unix:" + ovs.mgmtSocket(net.prefix() + "br"));
        argv.addAll(List.of(args).subList(1, args.length));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", argv, out).isZero();
        return out;
    }

    /** The dump-flows lines of one table without what differs between equal flows (cookie, age, counters, table). */
    private static List<String> dumpTable(int table) throws Exception {
        return ofctl("dump-flows", "table=" + table).lines().filter(l -> l.contains("priority="))
                .map(l -> l.replaceAll("(cookie|duration|table|n_packets|n_bytes|idle_age|hard_age)=[^ ,]*,? ?", "").trim())
                .sorted().toList();
    }

    @Test
    void conjunctionFlowsFromOurCodecDumpLikeThoseOvsOfctlAdds() throws Exception {
        FlowMod dimension = FlowMod.add(0, 10, 300, TEST_COOKIE | 50, Match.of(new Oxm.EthType(0x0800), new Oxm.IpProto(6),
                Nxm.portDst(Nxm.OFB_TCP_DST, 0x1c5c, 0xfffc)),
                List.of(ApplyActions.of(new Action.Conjunction(8, 2, 3), new Action.Conjunction(0xfffffff0L, 1, 2))));
        FlowMod conj = FlowMod.add(0, 10, 300, TEST_COOKIE | 51, Match.of(Nxm.conjId(8), Nxm.reg(2, 5)),
                List.of(new GotoTable(12)));
        of.applyBundle(List.of(new Labeled("dimension", dimension), new Labeled("conj_id", conj)));
        ofctl("add-flow", "table=11,priority=300,cookie=0x" + Long.toHexString(TEST_COOKIE | 52)
                + ",tcp,tp_dst=0x1c5c/0xfffc,actions=conjunction(8,2/3),conjunction(4294967280,1/2)");
        ofctl("add-flow", "table=11,priority=300,cookie=0x" + Long.toHexString(TEST_COOKIE | 53)
                + ",conj_id=8,reg2=5,actions=goto_table:12");

        List<String> ours = dumpTable(10);
        System.out.println("ours:   " + ours);
        assertThat(ours).hasSize(2).anyMatch(l -> l.contains("conjunction(8,2/3)")).anyMatch(l -> l.contains("conj_id=8"));
        assertThat(ours).isEqualTo(dumpTable(11));

        List<FlowStats> flows = of.flowStats(new FlowStatsRequest(0, 11, Action.PORT_ANY, Action.PORT_ANY, TEST_COOKIE,
                COOKIE_MASK, Match.any()));
        FlowStats readDimension = flows.stream().filter(f -> f.cookie() == (TEST_COOKIE | 52)).findFirst().orElseThrow();
        assertThat(readDimension.instructions()).isEqualTo(dimension.instructions());
        assertThat(readDimension.match().fields()).containsExactlyInAnyOrderElementsOf(dimension.match().fields());
        FlowStats readConj = flows.stream().filter(f -> f.cookie() == (TEST_COOKIE | 53)).findFirst().orElseThrow();
        assertThat(readConj.match().fields()).containsExactlyInAnyOrderElementsOf(conj.match().fields());
    }

    /** The reverse-direction learn of an SCTP 5-tuple, as the provider installs it. */
    static Action.Learn reverseSctpLearn(long cookie) {
        return new Action.Learn(13, 100, 60, 0, cookie, 0, List.of(
                new LearnSpec.MatchValue(0x0800, Nxm.ETH_TYPE_HEADER, 16),
                new LearnSpec.MatchValue(132, Nxm.IP_PROTO_HEADER, 8),
                new LearnSpec.MatchField(Nxm.IPV4_DST_HEADER, Nxm.IPV4_SRC_HEADER, 32),
                new LearnSpec.MatchField(Nxm.IPV4_SRC_HEADER, Nxm.IPV4_DST_HEADER, 32),
                new LearnSpec.MatchField(Nxm.SCTP_DST_HEADER, Nxm.SCTP_SRC_HEADER, 16),
                new LearnSpec.MatchField(Nxm.SCTP_SRC_HEADER, Nxm.SCTP_DST_HEADER, 16),
                new LearnSpec.LoadValue(1, Nxm.regHeader(4), 32)));
    }

    @Test
    void learnFromOurCodecDumpsLikeOvsOfctlsAndReadsBackEqual() throws Exception {
        Action.Learn learn = reverseSctpLearn(TEST_COOKIE | 0x77);
        FlowMod ours = FlowMod.add(0, 10, 300, TEST_COOKIE | 70, Match.of(new Oxm.EthType(0x0800), new Oxm.IpProto(132)),
                List.of(ApplyActions.of(learn, Action.Output.to(2))));
        of.applyBundle(List.of(new Labeled("learn", ours)));
        ofctl("add-flow", "table=11,priority=300,cookie=0x" + Long.toHexString(TEST_COOKIE | 71) + ",sctp,actions=learn(table=13,"
                + "idle_timeout=60,priority=100,cookie=0x" + Long.toHexString(TEST_COOKIE | 0x77) + ",eth_type=0x800,nw_proto=132,"
                + "NXM_OF_IP_SRC[]=NXM_OF_IP_DST[],NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],OXM_OF_SCTP_SRC[]=OXM_OF_SCTP_DST[],"
                + "OXM_OF_SCTP_DST[]=OXM_OF_SCTP_SRC[],load:1->NXM_NX_REG4[]),output:2");

        List<String> dumped = dumpTable(10);
        System.out.println("ours:   " + dumped);
        assertThat(dumped).hasSize(1).allMatch(l -> l.contains("learn(idle_timeout=60,priority=100,eth_type=0x800,nw_proto=132,"));
        assertThat(ofctl("dump-flows", "table=10")).contains("learn(table=13,").contains("cookie=0x" + Long.toHexString(TEST_COOKIE | 0x77));
        assertThat(dumped).isEqualTo(dumpTable(11));
        FlowStats readOurs = of.flowStats().stream().filter(f -> f.cookie() == (TEST_COOKIE | 70)).findFirst().orElseThrow();
        assertThat(readOurs.instructions()).as("our flow read back").isEqualTo(ours.instructions());
        FlowStats readOfctls = of.flowStats().stream().filter(f -> f.cookie() == (TEST_COOKIE | 71)).findFirst().orElseThrow();
        assertThat(((ApplyActions) readOfctls.instructions().getFirst()).actions().getFirst()).as("ovs-ofctl's learn read back")
                .isEqualTo(learn);
    }

    @Test
    void aCompletedConjunctionActsThroughItsConjIdFlowAndAPartialOneFallsThrough() throws Exception {
        // a -> b IP only when in_port in {1} and nw_dst in {10.78.0.2, 10.78.0.99}; ARP of a matches dimension 1 only
        // and must fall through to the lower flow.
        Action dim1 = new Action.Conjunction(7, 1, 2);
        Action dim2 = new Action.Conjunction(7, 2, 2);
        of.applyBundle(List.of(
                new Labeled("dim 1", FlowMod.add(0, 0, 100, TEST_COOKIE | 60, Match.of(new Oxm.InPort(1)), List.of(ApplyActions.of(dim1)))),
                new Labeled("dim 2 b", FlowMod.add(0, 0, 100, TEST_COOKIE | 60,
                        Match.of(new Oxm.EthType(0x0800), new Oxm.Ipv4Dst(v4("10.78.0.2"), 32)), List.of(ApplyActions.of(dim2)))),
                new Labeled("dim 2 other", FlowMod.add(0, 0, 100, TEST_COOKIE | 60,
                        Match.of(new Oxm.EthType(0x0800), new Oxm.Ipv4Dst(v4("10.78.0.99"), 32)), List.of(ApplyActions.of(dim2)))),
                new Labeled("conj 7", FlowMod.add(0, 0, 100, TEST_COOKIE | 61, Match.of(Nxm.conjId(7), new Oxm.InPort(1)),
                        List.of(ApplyActions.of(Action.Output.to(2))))),
                new Labeled("arp of a", FlowMod.add(0, 0, 50, TEST_COOKIE | 62, Match.of(new Oxm.InPort(1), new Oxm.EthType(0x0806)),
                        List.of(ApplyActions.of(Action.Output.to(2))))),
                new Labeled("b -> a", FlowMod.add(0, 0, 100, TEST_COOKIE | 63, Match.of(new Oxm.InPort(2)),
                        List.of(ApplyActions.of(Action.Output.to(1)))))));

        assertThat(TestNet.ping(a, "10.78.0.2", 3)).as("ping a -> b through conjunction 7").isTrue();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        Map<Long, Long> counts = Map.of();
        while (System.nanoTime() < deadline && counts.getOrDefault(TEST_COOKIE | 61, 0L) == 0) {
            ovs.appctl("revalidator/purge");
            counts = of.flowStats().stream().collect(java.util.stream.Collectors.groupingBy(FlowStats::cookie,
                    java.util.stream.Collectors.summingLong(FlowStats::packetCount)));
            Thread.sleep(100);
        }
        assertThat(counts.getOrDefault(TEST_COOKIE | 61, 0L)).as("the conj_id flow counts the packets").isPositive();
        assertThat(counts.getOrDefault(TEST_COOKIE | 60, 0L)).as("dimension flows never count (ovs-fields(7))").isZero();
        assertThat(counts.getOrDefault(TEST_COOKIE | 62, 0L)).as("ARP fell through the partial match").isPositive();
    }
}
