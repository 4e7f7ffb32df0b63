package dev.uniplane.provider.dpdk.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
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
import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import dev.uniplane.provider.dpdk.internal.ffm.EthStats;
import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteEal;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import dev.uniplane.provider.dpdk.internal.ffm.RteLpm;
import dev.uniplane.provider.dpdk.internal.ffm.RteMbuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One EAL for the whole class (its own surefire fork: rte_eal_init works once per process) with two net_null vdevs:
 * lifecycle, the Java loop on lcore 0, mbufs and LPM through the shim, errors, then stop and cleanup last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EalNullDevicesTest {
    private static final EalConfig CONFIG = EalConfig.defaults().withVdevs("net_null0", "net_null1");
    private static Eal eal;
    private static PacketPool pool;

    @BeforeAll
    static void startEal() {
        Prerequisites.dpdkLibraries();
        Prerequisites.root();
        eal = Eal.start(CONFIG);
        pool = eal.createPool("updk_null", 8191);
    }

    @AfterAll
    static void stopEal() {
        if (eal != null) {
            eal.stop();
        }
    }

    @Test
    @Order(1)
    void ealStartsOnceAndTheInitThreadIsLcoreZero() throws Exception {
        assertThat(Eal.start(CONFIG)).isSameAs(eal);
        assertThat(Eal.running()).containsSame(eal);
        assertThat(eal.arguments().argv()).contains("--no-pci", "--no-telemetry", "--lcores=0@" + CONFIG.lcoreCpu(), "--vdev=net_null0");
        assertThat(eal.onLcore(RteEal::lcoreId).get()).isZero();
        assertThat(RteEal.lcoreId()).as("the test thread is no lcore").isEqualTo(RteEal.LCORE_ID_ANY);
        assertThat(RteEthDev.countAvail()).isEqualTo(2);
        int[] registered = new int[2];
        Thread plain = Thread.ofPlatform().start(() -> {
            registered[0] = RteEal.threadRegister();
            registered[1] = RteEal.lcoreId();
            RteEal.threadUnregister();
        });
        plain.join();
        assertThat(registered).as("rte_thread_register gives a plain thread the next lcore").containsExactly(0, 1);
        System.out.printf("EAL init took %d ms (%s)%n", eal.initTime().toMillis(), eal.arguments().memory());
    }

    @Test
    @Order(2)
    void aSecondStartWithOtherArgumentsNamesTheFirstConfig() {
        assertThatThrownBy(() -> Eal.start(CONFIG.withVdevs("net_null0")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already runs")
                .hasMessageContaining(CONFIG.toString())
                .hasMessageContaining(eal.arguments().filePrefix());
    }

    @Test
    @Order(3)
    void theLoopForwardsBetweenNullPortsAndItsCountersBalance() throws Exception {
        EthPort null0 = eal.openPort(RteEthDev.portByName("net_null0"), pool);
        EthPort null1 = eal.openPort(RteEthDev.portByName("net_null1"), pool);
        assertThat(null0.link().up()).isTrue();

        ForwardingLoop loop = ForwardingLoop.start(eal, List.of(new PortPair(null0.id(), null1.id()), new PortPair(null1.id(), null0.id())),
                Rewrite.MAC_SWAP);
        LoopCounters.Snapshot early;
        try {
            Await.until("the loop has received packets", Duration.ofSeconds(10), () -> loop.counters().snapshot().rx() > 0);
            early = loop.counters().snapshot();
            assertThatThrownBy(() -> ForwardingLoop.start(eal, List.of(new PortPair(0, 1)), Rewrite.NONE))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already runs");
            long earlyRx = early.rx();
            Await.until("the loop's counters move past " + earlyRx, Duration.ofSeconds(10),
                    () -> loop.counters().snapshot().rx() > earlyRx);
            assertThat(loop.counters().snapshot().rx()).as("counters move while the loop runs").isGreaterThan(early.rx());
        } finally {
            loop.stop();
        }
        assertThat(loop.running()).isFalse();
        LoopCounters.Snapshot end = loop.counters().snapshot();
        assertThat(early.rx()).isPositive();
        for (LoopCounters.PairCounters pair : end.pairs()) {
            assertThat(pair.rx()).isPositive().isEqualTo(pair.tx() + pair.dropped());
            assertThat(pair.bursts()).isPositive();
        }
        assertThat(end.cpuNanos()).isPositive();
        EthStats stats0 = null0.stats();
        assertThat(stats0.rxPackets()).isEqualTo(end.pairs().get(0).rx());
        assertThat(null1.stats().txPackets()).isEqualTo(end.pairs().get(0).tx());
        assertThat(pool.inUse()).as("every mbuf is back in the pool").isZero();
        System.out.printf("net_null macswap: %.1f Mpps/CPU-s, %.1f Mpps wall, %d packets, %d iterations%n",
                end.mppsPerCpuSecond(), end.tx() * 1e3 / end.wallNanos(), end.tx(), end.iterations());
    }

    @Test
    @Order(4)
    @SuppressWarnings("restricted")
    void mbufsComeFromThePoolAndGoBack() {
        int before = pool.inUse();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mbufs = arena.allocate(ADDRESS, 32);
            assertThat(RteMbuf.allocBulk(pool.address(), mbufs, 32)).isZero();
            assertThat(pool.inUse()).isEqualTo(before + 32);
            MemorySegment one = mbufs.getAtIndex(ADDRESS, 0).reinterpret(Layouts.MBUF_SIZE);
            assertThat(one.get(ADDRESS, Layouts.MBUF_POOL)).isEqualTo(pool.address());
            RteMbuf.freeBulk(mbufs, 32);
            MemorySegment single = RteMbuf.alloc(pool.address());
            assertThat(single).isNotEqualTo(MemorySegment.NULL);
            RteMbuf.free(single);
        }
        assertThat(pool.inUse()).isEqualTo(before);
    }

    @Test
    @Order(5)
    void lpmBulkLookupThroughTheShim() {
        MemorySegment lpm = DpdkException.checkPointer("rte_lpm_create", RteLpm.create("updk_lpm", eal.socket(), 64, 16));
        try (Arena arena = Arena.ofConfined()) {
            DpdkException.check("add /8", RteLpm.add(lpm, ip(10, 0, 0, 0), 8, 1));
            DpdkException.check("add /16", RteLpm.add(lpm, ip(10, 1, 0, 0), 16, 2));
            DpdkException.check("add /32", RteLpm.add(lpm, ip(10, 1, 2, 3), 32, 3)); // lives in a tbl8
            MemorySegment ips = arena.allocate(JAVA_INT, 32);
            MemorySegment hops = arena.allocate(JAVA_INT, 32);
            for (int i = 0; i < 32; i++) {
                ips.setAtIndex(JAVA_INT, i, switch (i % 4) {
                    case 0 -> ip(10, 9, 9, i);
                    case 1 -> ip(10, 1, 7, i);
                    case 2 -> ip(10, 1, 2, 3);
                    default -> ip(192, 0, 2, i);
                });
            }
            assertThat(RteLpm.lookupBulk(lpm, ips, hops, 32)).isZero();
            for (int i = 0; i < 32; i++) {
                int result = hops.getAtIndex(JAVA_INT, i);
                int expectedHop = new int[] {1, 2, 3, 0}[i % 4];
                assertThat((result & Layouts.LPM_LOOKUP_SUCCESS) != 0).as("hit %d", i).isEqualTo(expectedHop != 0);
                if (expectedHop != 0) {
                    assertThat(result & 0xffffff).isEqualTo(expectedHop);
                }
            }
            DpdkException.check("delete /32", RteLpm.delete(lpm, ip(10, 1, 2, 3), 32));
            MemorySegment hop = arena.allocate(JAVA_INT);
            assertThat(RteLpm.lookup(lpm, ip(10, 1, 2, 3), hop)).isZero();
            assertThat(hop.get(JAVA_INT, 0)).isEqualTo(2);
            assertThatThrownBy(() -> DpdkException.checkPointer("rte_lpm_create(updk_lpm)", RteLpm.create("updk_lpm", eal.socket(), 64, 16)))
                    .isInstanceOfSatisfying(DpdkException.class, e -> assertThat(e.errnoName()).isEqualTo("EEXIST"));
        } finally {
            RteLpm.free(lpm);
        }
    }

    @Test
    @Order(6)
    void failedCallsBecomeExceptionsWithOperationAndErrno() {
        assertThatThrownBy(() -> eal.hotplug("net_uniplane_bogus0"))
                .isInstanceOfSatisfying(DpdkException.class, e -> assertThat(e.operation()).isEqualTo("rte_dev_probe(net_uniplane_bogus0)"))
                .hasMessageMatching("rte_dev_probe\\(net_uniplane_bogus0\\) failed: E[A-Z]+ \\(\\d+\\): .+");
        assertThatThrownBy(() -> eal.openPort(Layouts.MAX_ETHPORTS - 1, pool)).hasMessageContaining("no DPDK port");
        assertThatThrownBy(() -> eal.createPool("updk_null", 511))
                .isInstanceOfSatisfying(DpdkException.class, e -> assertThat(e.errnoName()).isEqualTo("EEXIST"));
    }

    @Test
    @Order(99)
    void stopCleansUpAndEalCannotStartAgain() throws Exception {
        eal.stop();
        eal.stop(); // idempotent

        assertThat(Files.exists(eal.runtimeDirectory())).as("%s removed", eal.runtimeDirectory()).isFalse();
        assertThat(Eal.running()).isEmpty();
        assertThatThrownBy(() -> Eal.start(CONFIG)).isInstanceOf(IllegalStateException.class).hasMessageContaining("once per process");
        assertThatThrownBy(() -> eal.createPool("late", 511)).isInstanceOf(IllegalStateException.class);
    }

    private static int ip(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }
}
