package dev.uniplane.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.Protocol;
import dev.uniplane.api.Route;
import dev.uniplane.api.StatsSnapshot;
import dev.uniplane.linux.LinkInfo;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.ProbeResult;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import dev.uniplane.tck.model.Verdict;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SEMANTICS "Endpoints (attach)": what attach creates, idempotence, conflicts, reachability, detach; and the source
 * addresses an endpoint may send from (anti-spoofing).
 */
public abstract class AttachVerification extends DataplaneVerification {

    @Test
    public void required_S1_afterAttach_attachCreatesAnUpInterfaceWithAddressesAndDefaultRoute() {
        Workload w = attachWorkload("att-a", "app", "a");
        try (RtNetlink nl = RtNetlink.open(w.netns())) {
            LinkInfo eth0 = nl.link("eth0");
            assertThat(eth0.up()).as("eth0 is up").isTrue();
            assertThat(nl.addresses(2, eth0.index())).extracting(a -> a.prefix().address().toString())
                    .contains(w.ipv4().toString());
            assertThat(nl.routes(2, RouteSpec.TABLE_MAIN)).as("IPv4 default route in the workload")
                    .anyMatch(r -> r.destination().length() == 0 && r.destination().family() == dev.uniplane.api.IpFamily.IPV4);
        }
    }

    @Test
    public void required_S1_attaching_attachReturnsTheEndpointAndListsIt() {
        Workload w = attachWorkload("att-b");
        Endpoint e = dataplane().endpoint(EndpointId.of("att-b")).orElseThrow();
        assertThat(e.spec()).isEqualTo(w.spec());
        assertThat(w.spec().kinds()).contains(e.kind());
        assertThat(dataplane().endpoints()).contains(e);
    }

    @Test
    public void required_S1_identity_attachingTheSameSpecTwiceIsIdempotent() {
        Workload w = attachWorkload("att-c");
        Endpoint again = dataplane().attach(w.spec());
        assertThat(again.spec()).isEqualTo(w.spec());
        assertThat(dataplane().endpoints()).hasSize(1);
        assertThat(Traffic.ping(w, topology().outside().gateways().getFirst()).outcome())
                .as("no route to the uplink gateway network is configured, but attach twice must not break the endpoint")
                .isIn(Outcome.DELIVERED, Outcome.TIMED_OUT);
    }

    @Test
    public void required_S1_identity_attachingTheSameIdWithAnotherSpecConflicts() {
        Workload w = attachWorkload("att-d");
        AttachSpec other = AttachSpec.builder("att-d").netns(w.spec().netns()).address("10.100.200.9").build();
        assertThatThrownBy(() -> dataplane().attach(other)).isInstanceOf(ConflictException.class);
        assertThat(dataplane().endpoint(EndpointId.of("att-d")).orElseThrow().spec()).isEqualTo(w.spec());
    }

    @Test
    public void required_S1_afterAttach_twoWorkloadsReachEachOther() {
        Workload a = attachWorkload("att-e1");
        Workload b = attachWorkload("att-e2");
        try (EchoServer server = Traffic.serve(b, 7001); EchoServer back = Traffic.serve(a, 7001)) {
            assertThat(Traffic.tcp(a, b.ipv4(), 7001).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.udp(b, a.ipv4(), 7001).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.ping(a, b.ipv4()).outcome()).isEqualTo(Outcome.DELIVERED);
        }
    }

    @Test
    public void optional_S1_afterAttach_twoWorkloadsReachEachOtherOverIpv6() {
        requireCapability(Capability.IPV6);
        Workload a = attachWorkload("att-f1");
        Workload b = attachWorkload("att-f2");
        try (EchoServer server = Traffic.serve(b, 7002)) {
            assertThat(Traffic.tcp(a, b.ipv6(), 7002).outcome()).isEqualTo(Outcome.DELIVERED);
            assertThat(Traffic.ping(a, b.ipv6()).outcome()).isEqualTo(Outcome.DELIVERED);
        }
    }

    @Test
    public void required_S2_sourceAddresses_aWorkloadCannotSendFromAnAddressThatIsNotItsOwn() {
        requireCapability(Capability.SOURCE_ADDRESS_CHECK);
        Workload spoofer = attachWorkload("att-i1");
        Workload victim = attachWorkload("att-i2");
        sendsOnlyFromItsOwnAndRoutedAddresses(spoofer, victim, IpAddress.parse("10.97.0.5"), "10.97.0.0/24", 7004);
    }

    @Test
    public void optional_S2_sourceAddresses_aWorkloadCannotSendFromAnIpv6AddressThatIsNotItsOwn() {
        requireCapability(Capability.IPV6);
        requireCapability(Capability.SOURCE_ADDRESS_CHECK);
        Workload spoofer = attachWorkload("att-j1");
        Workload victim = attachWorkload("att-j2");
        sendsOnlyFromItsOwnAndRoutedAddresses(spoofer, victim, IpAddress.parse("fd00:97::5"), "fd00:97::/64", 7005);
    }

    /**
     * A datagram from {@code foreign} (configured inside the spoofer's namespace only) is dropped as INVALID at the
     * spoofer and never reaches the victim; once {@code routedPrefix} is routed to the spoofer, the same source is legal.
     */
    private void sendsOnlyFromItsOwnAndRoutedAddresses(Workload spoofer, Workload victim, IpAddress foreign, String routedPrefix,
                                                       int port) {
        spoofer.addAddressInside(foreign);
        IpAddress destination = victim.address(foreign.family());
        try (EchoServer server = Traffic.serve(victim, port)) {
            StatsSnapshot before = dataplane().stats();
            Verdict model = Oracle.newFlow(dataplane(), spoofer, foreign, destination, Protocol.UDP, port);
            assertThat(model.dropReason()).as("reference model verdict for source %s from %s: %s", foreign, spoofer.name(), model)
                    .contains(DropReason.INVALID);
            ProbeResult spoofed = Traffic.udp(spoofer, foreign, destination, port, 0, Traffic.TIMEOUT);
            assertThat(spoofed.outcome()).as("%s (model: %s)", spoofed, model).isEqualTo(Outcome.TIMED_OUT);
            // The victim's answer would be lost anyway: what it received is the real check.
            assertThat(server.peers()).as("datagrams from %s that reached %s", foreign, victim.name()).isEmpty();
            StatsSnapshot delta = dataplane().stats().delta(before);
            if (dataplane().capabilities().has(Capability.DROP_REASONS)) {
                assertThat(delta.endpoint(EndpointId.of(spoofer.name())).drops(DropReason.INVALID))
                        .as("INVALID drops counted at the sending endpoint").isEqualTo(1);
            }
            if (dataplane().capabilities().has(Capability.ENDPOINT_STATS)) {
                assertThat(delta.endpoint(EndpointId.of(victim.name())).rxPackets()).as("packets delivered to the victim").isZero();
            }
            IpAddress own = spoofer.address(foreign.family());
            assertThat(Traffic.udp(spoofer, own, destination, port, 0, Traffic.TIMEOUT).outcome())
                    .as("the spoofer's own address %s still sends", own).isEqualTo(Outcome.DELIVERED);
            if (!dataplane().capabilities().has(Capability.ROUTE_TO_ENDPOINT)) {
                return;
            }
            // A prefix routed to the endpoint is its to send from (a router or VNF answers for it).
            dataplane().addRoute(Route.of(routedPrefix, NextHop.endpoint(spoofer.name())));
            Verdict legal = Oracle.newFlow(dataplane(), spoofer, foreign, destination, Protocol.UDP, port);
            assertThat(legal.delivered()).as("reference model verdict once %s is routed to %s: %s", routedPrefix, spoofer.name(), legal)
                    .isTrue();
            ProbeResult routed = Traffic.udp(spoofer, foreign, destination, port, 0, Traffic.TIMEOUT);
            assertThat(routed.outcome()).as("%s (model: %s)", routed, legal).isEqualTo(Outcome.DELIVERED);
            assertThat(server.peers()).extracting(p -> IpAddress.of(((InetSocketAddress) p).getAddress()))
                    .as("the victim served the routed source").contains(foreign);
        }
    }

    @Test
    public void required_S1_detaching_detachRemovesTheInterfaceAndTheEndpoint() {
        Workload w = attachWorkload("att-g");
        dataplane().detach(EndpointId.of("att-g"));
        assertThat(dataplane().endpoint(EndpointId.of("att-g"))).isEmpty();
        try (RtNetlink nl = RtNetlink.open(w.netns())) {
            Optional<LinkInfo> eth0 = nl.findLink("eth0");
            assertThat(eth0).as("eth0 gone from the workload netns").isEmpty();
        }
        assertThatThrownBy(() -> dataplane().detach(EndpointId.of("att-g"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    public void required_S1_detaching_aDetachedAddressCanBeAttachedAgain() {
        Workload w = attachWorkload("att-h");
        dataplane().detach(EndpointId.of("att-h"));
        dataplane().attach(w.spec());
        Workload peer = attachWorkload("att-h2");
        try (EchoServer server = Traffic.serve(w, 7003)) {
            assertThat(Traffic.tcp(peer, w.ipv4(), 7003).outcome()).isEqualTo(Outcome.DELIVERED);
        }
    }
}
