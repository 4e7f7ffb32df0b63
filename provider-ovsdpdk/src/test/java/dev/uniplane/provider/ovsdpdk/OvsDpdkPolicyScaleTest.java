package dev.uniplane.provider.ovsdpdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Rule;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.DataplaneVerification;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import dev.uniplane.provider.ovsdpdk.internal.program.FlowTables;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Policy at scale through conjunctive matches: two selected endpoints x 1000 peer CIDRs x 50 port ranges is 100,000
 * combinations (about 150,000 plain flows after port-prefix splitting) but installs as about 1,100 flows, and real
 * traffic still gets exactly the model's answer for a sample of allowed and denied flows, deny-overrides included.
 */
class OvsDpdkPolicyScaleTest extends DataplaneVerification {
    @Override
    protected DataplaneProvider provider() {
        return new OvsDpdkProvider();
    }

    /** 50 ranges of 4 ports: 7000-7003, 7010-7013, ... 7490-7493. */
    private static List<PortMatch> portRanges() {
        List<PortMatch> ports = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ports.add(PortMatch.of(Protocol.TCP, 7000 + 10 * i, 7003 + 10 * i));
        }
        return ports;
    }

    /** 999 CIDRs far from the workloads plus the allowed client's /32 in the middle. */
    private static List<Peer> peerCidrs(Workload allowed) {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < 999; i++) {
            peers.add(Peer.cidr("172." + (16 + i / 256) + "." + (i % 256) + ".0/24"));
            if (i == 500) {
                peers.add(Peer.cidr(allowed.ipv4() + "/32"));
            }
        }
        return peers;
    }

    /** Number of installed flows whose cookie is of one kind. */
    private long flowsOfKind(FlowTables.Kind kind) throws Exception {
        var ovs = ((OvsDpdkDataplane) dataplane()).instance();
        Process p = new ProcessBuilder("ovs-ofctl", "-O", "OpenFlow13", "dump-flows", "unix:" + ovs.mgmtSocket(dataplane().name()),
                "cookie=0x" + Long.toHexString(FlowTables.kindOf(kind)) + "/0x" + Long.toHexString(FlowTables.KIND_MASK))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines().filter(l -> l.contains("priority=")).count();
    }

    @Test
    void aThousandPeersTimesFiftyPortRangesInstallAsTheirSumAndEnforceExactly() throws Exception {
        Workload allowed = attachWorkload("sc-c1", "app", "client");
        Workload other = attachWorkload("sc-c2", "app", "client");
        Workload s1 = attachWorkload("sc-s1", "app", "db");
        Workload s2 = attachWorkload("sc-s2", "app", "db");
        PolicySet set = PolicySet.of(Policy.builder("wide").selectLabels("app", "db").ingress(
                Rule.allow(peerCidrs(allowed), portRanges()),
                // deny-overrides inside the allowed space, itself a conjunction (2 endpoints x 2 peers x 2 ports)
                Rule.deny(List.of(Peer.cidr(allowed.ipv4() + "/32"), Peer.cidr("172.31.0.0/16")),
                        List.of(PortMatch.of(Protocol.TCP, 7010, 7013), PortMatch.tcp(7490)))).build());

        long t0 = System.nanoTime();
        dataplane().applyPolicies(set);
        long applyMs = (System.nanoTime() - t0) / 1_000_000;

        long allow = flowsOfKind(FlowTables.Kind.POLICY_ALLOW);
        long deny = flowsOfKind(FlowTables.Kind.POLICY_DENY);
        System.out.printf("scale: %d allow + %d deny policy flows (plain would be ~%d), applied in %d ms%n", allow, deny,
                2L * 1000 * 75, applyMs);
        // allow: 2 endpoint + 1000 peer + 75 port-prefix dimension flows + 2 conj_id; deny: 2 + 2 + 3 + 2
        assertThat(allow).isEqualTo(2 + 1000 + 75 + 2);
        assertThat(deny).isEqualTo(2 + 2 + 3 + 2);

        try (EchoServer a = Traffic.serve(s1, 7001); EchoServer b = Traffic.serve(s1, 7004); EchoServer c = Traffic.serve(s1, 7011);
             EchoServer d = Traffic.serve(s2, 7493); EchoServer e = Traffic.serve(s2, 7490); EchoServer f = Traffic.serve(s2, 7251)) {
            assertThat(Traffic.tcp(allowed, s1.ipv4(), 7001).outcome()).as("allowed peer, first range").isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.tcp(allowed, s2.ipv4(), 7493).outcome()).as("allowed peer, last range, 2nd endpoint").isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.tcp(allowed, s2.ipv4(), 7251).outcome()).as("allowed peer, middle range").isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.tcp(allowed, s1.ipv4(), 7004).outcome()).as("port between ranges").isEqualTo(Outcome.TIMED_OUT);
            assertThat(Traffic.tcp(other, s1.ipv4(), 7001).outcome()).as("peer in no CIDR").isEqualTo(Outcome.TIMED_OUT);
            assertThat(Traffic.tcp(allowed, s1.ipv4(), 7011).outcome()).as("deny overrides allow").isEqualTo(Outcome.TIMED_OUT);
            assertThat(Traffic.tcp(allowed, s2.ipv4(), 7490).outcome()).as("deny overrides allow, 2nd endpoint").isEqualTo(Outcome.TIMED_OUT);
        }

        StatsSnapshot stats = dataplane().stats();
        assertThat(stats.rules().get(new RuleRef("wide", dev.uniplane.api.Direction.INGRESS, 0)).packets())
                .as("the allow rule counts the first packet of each delivered flow").isGreaterThanOrEqualTo(3);
        assertThat(stats.rules().get(new RuleRef("wide", dev.uniplane.api.Direction.INGRESS, 1)).packets())
                .as("the deny rule counts the denied SYNs").isGreaterThanOrEqualTo(2);
        assertThat(stats.endpoint(s1.spec().id()).drops(DropReason.POLICY_DENIED)).isPositive();
        assertThat(stats.endpoint(s2.spec().id()).drops(DropReason.POLICY_DENIED)).isPositive();
        assertThat(stats.endpoint(s1.spec().id()).drops(DropReason.POLICY_DEFAULT_DENY)).isPositive();
    }
}
