package dev.uniplane.provider.dpdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.EalConfig;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;
import dev.uniplane.provider.dpdk.internal.eal.PacketPool;
import dev.uniplane.provider.dpdk.internal.fastpath.ForwardingLoop;
import dev.uniplane.provider.dpdk.internal.fastpath.LoopCounters;
import dev.uniplane.provider.dpdk.internal.fastpath.PortPair;
import dev.uniplane.provider.dpdk.internal.fastpath.Rewrite;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Real packets: two netns ("workloads") on one /24, each behind a veth pair whose host end is hot-plugged into EAL as
 * a {@code net_af_packet} vdev; the Java loop forwards everything between the two ports, so ARP and ICMP from netns A
 * reach netns B only while the loop runs. One EAL for the class (its own surefire fork).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VethForwardingTest {
    private static final String RUN = "updk" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private static final String NETNS_A = RUN + "a";
    private static final String NETNS_B = RUN + "b";
    private static final String HOST_A = RUN + "ha";
    private static final String HOST_B = RUN + "hb";
    private static final String WORKLOAD_A = RUN + "na";
    private static final String WORKLOAD_B = RUN + "nb";
    private static final String SUBNET = "10.213." + ThreadLocalRandom.current().nextInt(1, 255) + ".";
    private static final String ADDRESS_B = SUBNET + "2";

    private static Eal eal;
    private static EthPort portA;
    private static EthPort portB;
    private static boolean topologyCreated;

    @BeforeAll
    static void twoNamespacesBehindHotPluggedAfPacketPorts() {
        Prerequisites.dpdkLibraries();
        Prerequisites.root();
        Prerequisites.commands("ip", "ping", "ethtool");
        topologyCreated = true;
        workload(NETNS_A, HOST_A, WORKLOAD_A, SUBNET + "1/24");
        workload(NETNS_B, HOST_B, WORKLOAD_B, SUBNET + "2/24");

        eal = Eal.start(EalConfig.defaults());
        PacketPool pool = eal.createPool("updk_veth", 4095);
        portA = eal.openPort(eal.hotplug("net_af_packet0,iface=" + HOST_A), pool);
        portB = eal.openPort(eal.hotplug("net_af_packet1,iface=" + HOST_B), pool);
    }

    @AfterAll
    static void cleanUp() {
        try {
            if (eal != null) {
                eal.stop();
            }
        } finally {
            if (topologyCreated) {
                Shell.run("ip", "netns", "del", NETNS_A);
                Shell.run("ip", "netns", "del", NETNS_B);
                Shell.run("ip", "link", "del", HOST_A); // gone with the netns normally; here if the move failed
                Shell.run("ip", "link", "del", HOST_B);
            }
        }
    }

    @Test
    @Order(1)
    void pingCrossesTheJavaLoopAndStopsWithIt() {
        assertThat(portA.name()).isEqualTo("net_af_packet0");
        assertThat(portA.link().up()).isTrue();

        ForwardingLoop loop = ForwardingLoop.start(eal, List.of(new PortPair(portA.id(), portB.id()), new PortPair(portB.id(), portA.id())),
                Rewrite.NONE);
        Shell.Result ping;
        try {
            ping = Shell.inNetns(NETNS_A, "ping", "-c", "3", "-i", "0.2", "-W", "2", ADDRESS_B);
            assertThatThrownBy(() -> eal.unplug(portA)).isInstanceOf(IllegalStateException.class).hasMessageContaining("stop it first");
        } finally {
            loop.stop();
        }
        assertThat(ping.ok()).as("ping through the loop: %s", ping.output()).isTrue();
        LoopCounters.Snapshot counters = loop.counters().snapshot();
        System.out.println(ping.output().lines().filter(line -> line.contains("received")).findFirst().orElse("") + "; loop " + counters);
        assertThat(counters.pairs()).allSatisfy(pair -> assertThat(pair.rx()).isPositive().isEqualTo(pair.tx() + pair.dropped()));
        assertThat(portA.stats().rxPackets()).isGreaterThanOrEqualTo(counters.pairs().get(0).rx());

        Shell.Result withoutLoop = Shell.inNetns(NETNS_A, "ping", "-c", "2", "-i", "0.2", "-W", "1", ADDRESS_B);
        assertThat(withoutLoop.ok()).as("no forwarding without the loop: %s", withoutLoop.output()).isFalse();
    }

    @Test
    @Order(2)
    void unplugRemovesTheHotPluggedPorts() {
        int before = RteEthDev.countAvail();

        eal.unplug(portA);
        eal.unplug(portB);

        assertThat(RteEthDev.countAvail()).isEqualTo(before - 2);
        assertThat(RteEthDev.portByName("net_af_packet0")).isNegative();
        assertThat(portA.state()).isEqualTo(EthPort.State.CLOSED);
    }

    @Test
    @Order(99)
    void stopLeavesNoRuntimeDirectory() {
        eal.stop();

        assertThat(Files.exists(eal.runtimeDirectory())).isFalse();
        assertThat(eal.initTime()).isLessThan(Duration.ofSeconds(10));
    }

    private static void workload(String netns, String hostEnd, String workloadEnd, String address) {
        Shell.check("ip", "netns", "add", netns);
        Shell.check("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", workloadEnd, "netns", netns);
        Shell.check("ip", "link", "set", hostEnd, "up");
        Shell.check("ip", "-n", netns, "link", "set", "lo", "up");
        Shell.check("ip", "-n", netns, "addr", "add", address, "dev", workloadEnd);
        Shell.check("ip", "-n", netns, "link", "set", workloadEnd, "up");
        // veth hands partially checksummed frames to af_packet; the copy DPDK re-injects would carry a bad checksum.
        Shell.check("ip", "netns", "exec", netns, "ethtool", "-K", workloadEnd, "tx", "off");
    }
}
