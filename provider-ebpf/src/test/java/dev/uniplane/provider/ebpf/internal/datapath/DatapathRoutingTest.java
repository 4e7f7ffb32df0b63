package dev.uniplane.provider.ebpf.internal.datapath;

import static dev.uniplane.provider.ebpf.internal.ffm.LibBpf.TC_ACT_OK;
import static dev.uniplane.provider.ebpf.internal.ffm.LibBpf.TC_ACT_REDIRECT;
import static dev.uniplane.provider.ebpf.internal.ffm.LibBpf.TC_ACT_SHOT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.provider.ebpf.internal.ffm.BpfTestRun;
import dev.uniplane.provider.ebpf.internal.program.DatapathMaps;
import dev.uniplane.provider.ebpf.internal.program.EndpointCounters;
import dev.uniplane.provider.ebpf.internal.program.NextHopEntry;
import dev.uniplane.provider.ebpf.internal.program.NextHopGroup;

/** Forwarding without policy: local delivery, routes, TTL, ECMP, what passes to the host, counters. */
class DatapathRoutingTest {
    private static final int UPLINK = 2;
    private DatapathMaps m;
    private Fixture.Ep a;
    private Fixture.Ep b;

    @BeforeEach
    void setUp() {
        m = Fixture.maps();
        a = Fixture.endpoint(1, "app=a");
        b = Fixture.endpoint(2, "app=b");
        Fixture.install(m, a);
        Fixture.install(m, b);
    }

    @Test
    void localDeliveryIpv4RewritesMacsDecrementsTtlAndFixesTheChecksum() {
        byte[] frame = Fixture.frameFrom(a, b.v4(), 64, Packets.tcp(40000, 80, 0x02), Packets.TCP);
        assertThat(Packets.ipv4ChecksumValid(frame)).isTrue();

        BpfTestRun.Result r = Fixture.send(m, a, frame);

        assertThat(r.retval()).isEqualTo(TC_ACT_REDIRECT);
        byte[] out = r.dataOut();
        assertThat(Packets.dstMac(out)).isEqualTo(b.mac());
        assertThat(Packets.srcMac(out)).isEqualTo(b.hostMac());
        assertThat(Packets.ttl(out)).isEqualTo(63);
        assertThat(Packets.ipv4ChecksumValid(out)).as("IPv4 header checksum after the TTL decrement").isTrue();
        // everything after the TTL/checksum is untouched
        assertThat(java.util.Arrays.copyOfRange(out, 34, out.length)).isEqualTo(java.util.Arrays.copyOfRange(frame, 34, frame.length));
        EndpointCounters ca = m.endpointCounters(a.index());
        EndpointCounters cb = m.endpointCounters(b.index());
        assertThat(ca.txPackets()).isEqualTo(1);
        assertThat(ca.txBytes()).isEqualTo(frame.length);
        assertThat(cb.rxPackets()).isEqualTo(1);
        assertThat(cb.rxBytes()).isEqualTo(frame.length);
    }

    @Test
    void checksumStaysValidOverManyTtls() {
        for (int ttl = 2; ttl <= 255; ttl += 7) {
            byte[] out = Fixture.send(m, a, Fixture.frameFrom(a, b.v4(), ttl, Packets.udp(1000 + ttl, 53), Packets.UDP)).dataOut();
            assertThat(Packets.ttl(out)).isEqualTo(ttl - 1);
            assertThat(Packets.ipv4ChecksumValid(out)).as("ttl %d", ttl).isTrue();
        }
    }

    @Test
    void localDeliveryIpv6DecrementsTheHopLimit() {
        byte[] frame = Fixture.frameFrom(a, b.v6(), 64, Packets.udp(5000, 53), Packets.UDP);
        BpfTestRun.Result r = Fixture.send(m, a, frame);
        assertThat(r.retval()).isEqualTo(TC_ACT_REDIRECT);
        assertThat(Packets.dstMac(r.dataOut())).isEqualTo(b.mac());
        assertThat(Packets.ttl(r.dataOut())).isEqualTo(63);
    }

    @Test
    void noRouteDropsAndCountsNoRoute() {
        BpfTestRun.Result r = Fixture.send(m, a, Fixture.frameFrom(a, IpAddress.parse("192.0.2.9"), 64, Packets.udp(1, 2), Packets.UDP));
        assertThat(r.retval()).isEqualTo(TC_ACT_SHOT);
        assertThat(m.endpointCounters(a.index()).drops(DropReason.NO_ROUTE)).isEqualTo(1);
        BpfTestRun.Result r6 = Fixture.send(m, a, Fixture.frameFrom(a, IpAddress.parse("2001:db8::9"), 64, Packets.udp(1, 2), Packets.UDP));
        assertThat(r6.retval()).isEqualTo(TC_ACT_SHOT);
        assertThat(m.endpointCounters(a.index()).drops(DropReason.NO_ROUTE)).isEqualTo(2);
    }

    @Test
    void ttlOneIsDroppedAsTtlExceeded() {
        BpfTestRun.Result r = Fixture.send(m, a, Fixture.frameFrom(a, b.v4(), 1, Packets.udp(1, 2), Packets.UDP));
        assertThat(r.retval()).isEqualTo(TC_ACT_SHOT);
        BpfTestRun.Result r6 = Fixture.send(m, a, Fixture.frameFrom(a, b.v6(), 1, Packets.udp(1, 2), Packets.UDP));
        assertThat(r6.retval()).isEqualTo(TC_ACT_SHOT);
        assertThat(m.endpointCounters(a.index()).drops(DropReason.TTL_EXCEEDED)).isEqualTo(2);
        assertThat(m.endpointCounters(b.index()).rxPackets()).isZero();
    }

    @Test
    void dropRouteDropsAsNoRoute() {
        m.putNextHopGroup(1, new NextHopGroup(List.of(NextHopEntry.drop())));
        m.putRoute(IpPrefix.parse("198.51.100.0/24"), 1);
        BpfTestRun.Result r = Fixture.send(m, a, Fixture.frameFrom(a, IpAddress.parse("198.51.100.7"), 64, Packets.udp(1, 2), Packets.UDP));
        assertThat(r.retval()).isEqualTo(TC_ACT_SHOT);
        assertThat(m.endpointCounters(a.index()).drops(DropReason.NO_ROUTE)).isEqualTo(1);
    }

    @Test
    void gatewayRoutesRedirectToTheUplinkWithTheTtlDecremented() {
        m.putNextHopGroup(1, new NextHopGroup(List.of(NextHopEntry.gateway(IpAddress.parse("192.0.2.1"), 1, UPLINK))));
        m.putRoute(IpPrefix.parse("0.0.0.0/0"), 1);
        m.putNextHopGroup(2, new NextHopGroup(List.of(NextHopEntry.gateway(IpAddress.parse("2001:db8::1"), 1, UPLINK))));
        m.putRoute(IpPrefix.parse("::/0"), 2);

        BpfTestRun.Result r = Fixture.send(m, a, Fixture.frameFrom(a, IpAddress.parse("203.0.113.5"), 64, Packets.tcp(1, 443, 2), Packets.TCP));
        assertThat(r.retval()).isEqualTo(TC_ACT_REDIRECT);
        assertThat(Packets.ttl(r.dataOut())).isEqualTo(63);
        assertThat(Packets.ipv4ChecksumValid(r.dataOut())).isTrue();
        BpfTestRun.Result r6 = Fixture.send(m, a, Fixture.frameFrom(a, IpAddress.parse("2001:db8:5::5"), 64, Packets.tcp(1, 443, 2), Packets.TCP));
        assertThat(r6.retval()).isEqualTo(TC_ACT_REDIRECT);
        assertThat(Packets.ttl(r6.dataOut())).isEqualTo(63);
    }

    @Test
    void longestPrefixWins() {
        m.putNextHopGroup(1, new NextHopGroup(List.of(NextHopEntry.gateway(IpAddress.parse("192.0.2.1"), 1, UPLINK))));
        m.putNextHopGroup(2, new NextHopGroup(List.of(NextHopEntry.drop())));
        m.putRoute(IpPrefix.parse("198.51.0.0/16"), 1);
        m.putRoute(IpPrefix.parse("198.51.100.0/24"), 2);
        assertThat(Fixture.send(m, a, Fixture.frameFrom(a, IpAddress.parse("198.51.7.1"), 64, Packets.udp(1, 2), Packets.UDP)).retval())
                .isEqualTo(TC_ACT_REDIRECT);
        assertThat(Fixture.send(m, a, Fixture.frameFrom(a, IpAddress.parse("198.51.100.1"), 64, Packets.udp(1, 2), Packets.UDP)).retval())
                .isEqualTo(TC_ACT_SHOT);
    }

    @Test
    void ecmpIsConsistentPerFlowAndSpreadsByWeight() {
        Fixture.Ep c = Fixture.endpoint(3, "app=c");
        Fixture.install(m, c);
        // a "service" prefix whose next hops are two local endpoints, weights 1:3
        m.putNextHopGroup(1, new NextHopGroup(List.of(
                NextHopEntry.endpoint(b.index(), b.ifindex(), b.mac(), b.hostMac(), 1),
                NextHopEntry.endpoint(c.index(), c.ifindex(), c.mac(), c.hostMac(), 3))));
        m.putRoute(IpPrefix.parse("10.96.0.0/24"), 1);
        IpAddress vip = IpAddress.parse("10.96.0.10");

        Map<MacAddress, Integer> hits = new HashMap<>();
        int flows = 800;
        for (int port = 20000; port < 20000 + flows; port++) {
            byte[] frame = Fixture.frameFrom(a, vip, 64, Packets.udp(port, 53), Packets.UDP);
            MacAddress first = Packets.dstMac(Fixture.send(m, a, frame).dataOut());
            for (int again = 0; again < 2; again++) {
                assertThat(Packets.dstMac(Fixture.send(m, a, frame).dataOut())).as("flow %d is sticky", port).isEqualTo(first);
            }
            hits.merge(first, 1, Integer::sum);
        }
        assertThat(hits.keySet()).containsExactlyInAnyOrder(b.mac(), c.mac());
        double shareC = hits.get(c.mac()) / (double) flows;
        assertThat(shareC).as("weight 3 of 4").isBetween(0.65, 0.85);
        assertThat(m.endpointCounters(b.index()).rxPackets() + m.endpointCounters(c.index()).rxPackets()).isEqualTo(3L * flows);
    }

    @Test
    void arpNeighbourDiscoveryAndLinkLocalGoToTheHost() {
        assertThat(Fixture.send(m, a, Packets.arpRequest(a.mac())).retval()).isEqualTo(TC_ACT_OK);
        byte[] ns = Packets.frame(a.hostMac(), a.mac(), a.v6(), IpAddress.parse("ff02::1:ff00:1"), 255,
                Packets.echo(135, 0), Packets.ICMPV6);
        assertThat(Fixture.send(m, a, ns).retval()).isEqualTo(TC_ACT_OK);
        byte[] toGateway = Packets.frame(a.hostMac(), a.mac(), IpAddress.parse("fe80::2"), IpAddress.parse("fe80::1"), 64,
                Packets.echo(128, 7), Packets.ICMPV6);
        assertThat(Fixture.send(m, a, toGateway).retval()).isEqualTo(TC_ACT_OK);
        byte[] pingGateway4 = Fixture.frameFrom(a, IpAddress.parse("169.254.1.1"), 64, Packets.echo(8, 7), Packets.ICMP);
        assertThat(Fixture.send(m, a, pingGateway4).retval()).isEqualTo(TC_ACT_OK);
        assertThat(m.endpointCounters(a.index()).txPackets()).as("host-bound frames are not routed traffic").isZero();
    }

    @Test
    void spoofedSourceIsInvalid() {
        byte[] frame = Packets.frame(a.hostMac(), a.mac(), b.v4(), IpAddress.parse("10.0.0.9"), 64, Packets.udp(1, 2), Packets.UDP);
        assertThat(Fixture.send(m, a, frame).retval()).isEqualTo(TC_ACT_SHOT);
        byte[] truncated = java.util.Arrays.copyOf(Fixture.frameFrom(a, b.v4(), 64, Packets.tcp(1, 2, 2), Packets.TCP), 40);
        assertThat(Fixture.send(m, a, truncated).retval()).isEqualTo(TC_ACT_SHOT);
        assertThat(m.endpointCounters(a.index()).drops(DropReason.INVALID)).isEqualTo(2);
    }

    @Test
    void uplinkDeliversToLocalEndpointsAndLeavesTheRestToTheHost() {
        byte[] toB = Packets.frame(MacAddress.parse("02:aa:00:00:00:01"), MacAddress.parse("02:bb:00:00:00:01"),
                IpAddress.parse("192.0.2.50"), b.v4(), 60, Packets.tcp(33000, 80, 2), Packets.TCP);
        BpfTestRun.Result r = Fixture.fromUplink(m, toB);
        assertThat(r.retval()).isEqualTo(TC_ACT_REDIRECT);
        assertThat(Packets.dstMac(r.dataOut())).isEqualTo(b.mac());
        assertThat(Packets.ttl(r.dataOut())).isEqualTo(59);
        assertThat(Packets.ipv4ChecksumValid(r.dataOut())).isTrue();

        byte[] toHost = Packets.frame(MacAddress.parse("02:aa:00:00:00:01"), MacAddress.parse("02:bb:00:00:00:01"),
                IpAddress.parse("192.0.2.50"), IpAddress.parse("192.0.2.2"), 60, Packets.tcp(33000, 22, 2), Packets.TCP);
        assertThat(Fixture.fromUplink(m, toHost).retval()).isEqualTo(TC_ACT_OK);
    }
}
