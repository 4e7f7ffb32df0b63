package dev.uniplane.provider.dpdk.internal.fastpath;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.DropReason;
import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.IpAddress;
import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.program.CompiledPolicy;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The router's per-packet decisions on hand-made frames in fake mbufs (no EAL: IPv6 routes live in the Java
 * {@link Lpm6}, and no IPv4 route means no {@code rte_lpm}): anti-spoofing for both families, IPv6 forwarding with the
 * hop-limit decrement and MAC rewrite, hop limit 1, and the Neighbour Advertisement for fe80::1.
 */
class RouterIpv6AndSpoofingTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long GATEWAY = 0x0275_706b_0001L;
    private static final long MAC_A = 0x0200_0000_000aL;
    private static final long MAC_B = 0x0200_0000_000bL;
    private static final IpAddress A6 = IpAddress.parse("fd00:100::2");
    private static final IpAddress B6 = IpAddress.parse("fd00:100::3");
    private static final IpAddress VNF_NET = IpAddress.parse("2001:db8:7::");
    private static final int A4 = 0x0a640002;
    private static final int B4 = 0x0a640003;

    private final Arena arena = Arena.ofConfined();
    private final EndpointCounters counters = new EndpointCounters(4);
    private final Router router = Router.unstarted(counters, new RuleCounters(16),
            new FlowTable(1024, FlowTimeouts.DEFAULT), table());

    @AfterEach
    void close() {
        arena.close();
    }

    /** Endpoint a (slot 0, port 0) also owns the routed prefix 2001:db8:7::/48; b is slot 1 on port 1. */
    private static ForwardingTable table() {
        List<PortBinding> ports = List.of(new PortBinding(0, 0, GATEWAY), new PortBinding(1, 1, GATEWAY));
        Hop toA = new Hop.ToEndpoint(0, 0, MAC_A, 1);
        Hop toB = new Hop.ToEndpoint(1, 1, MAC_B, 1);
        List<TableRoute> routes = List.of(TableRoute.v6(A6.high(), A6.low(), 128, List.of(toA)),
                TableRoute.v6(B6.high(), B6.low(), 128, List.of(toB)),
                TableRoute.v6(VNF_NET.high(), VNF_NET.low(), 48, List.of(toA)));
        SourceFilter sources = SourceFilter.of(Map.of(
                0, List.of(SourceFilter.Prefix.v6(A6.high(), A6.low(), 128), SourceFilter.Prefix.v4(A4, 32),
                        SourceFilter.Prefix.v6(VNF_NET.high(), VNF_NET.low(), 48)),
                1, List.of(SourceFilter.Prefix.v6(B6.high(), B6.low(), 128), SourceFilter.Prefix.v4(B4, 32))));
        return ForwardingTable.build(0, ports, routes, GATEWAY, CompiledPolicy.empty(), 1, sources);
    }

    @Test
    void anIpv6PacketIsForwardedWithTheHopLimitDecrementedAndNewMacs() {
        MemorySegment frame = udp6(MAC_A, A6, B6, 64);
        router.route(router.table(), mbuf(frame), 0, false, GATEWAY);
        assertThat(router.pendingTx(1)).isEqualTo(1);
        assertThat(Byte.toUnsignedInt(frame.get(ValueLayout.JAVA_BYTE, 21))).isEqualTo(63);
        assertThat(mac(frame, 0)).isEqualTo(MAC_B);
        assertThat(mac(frame, 6)).isEqualTo(GATEWAY);
        assertThat(counters.read(0, EndpointCounters.TX_PACKETS)).isEqualTo(1);
        assertThat(drops(0)).isZero();
    }

    @Test
    void aSourceInAPrefixRoutedToTheSenderPasses() {
        router.route(router.table(), mbuf(udp6(MAC_A, IpAddress.parse("2001:db8:7::5"), B6, 64)), 0, false, GATEWAY);
        assertThat(router.pendingTx(1)).isEqualTo(1);
        assertThat(drops(0)).isZero();
    }

    @Test
    void spoofedIpv6SourcesAreDroppedAsInvalidAtTheSender() {
        router.route(router.table(), mbuf(udp6(MAC_A, IpAddress.parse("fd00:100::9"), B6, 64)), 0, false, GATEWAY);
        router.route(router.table(), mbuf(udp6(MAC_B, A6, B6, 64)), 1, false, GATEWAY); // b using a's address
        router.route(router.table(), mbuf(udp6(MAC_A, IpAddress.parse("2001:db8:8::5"), B6, 64)), 0, false, GATEWAY);
        assertThat(counters.read(0, EndpointCounters.DROPS + DropReason.INVALID.ordinal())).isEqualTo(2);
        assertThat(counters.read(1, EndpointCounters.DROPS + DropReason.INVALID.ordinal())).isEqualTo(1);
        assertThat(counters.read(0, EndpointCounters.TX_PACKETS)).as("counted as sent first").isEqualTo(2);
        assertThat(router.pendingTx(0) + router.pendingTx(1)).isZero();
        assertThat(router.pendingDrops()).isEqualTo(3);
    }

    @Test
    void ipv4MappedIpv6AddressesAreInvalid() {
        router.route(router.table(), mbuf(udp6(MAC_A, IpAddress.parse("::ffff:10.100.0.2"), B6, 64)), 0, false, GATEWAY);
        assertThat(counters.read(0, EndpointCounters.DROPS + DropReason.INVALID.ordinal())).isEqualTo(1);
        assertThat(router.pendingTx(1)).isZero();
    }

    @Test
    void spoofedIpv4SourcesAreDroppedAsInvalidBeforeRouting() {
        router.route(router.table(), mbuf(udp4(MAC_A, 0x0a640009, B4)), 0, false, GATEWAY);
        assertThat(counters.read(0, EndpointCounters.DROPS + DropReason.INVALID.ordinal())).isEqualTo(1);
        // its own address passes the check and reaches routing: no IPv4 route in this table
        router.route(router.table(), mbuf(udp4(MAC_A, A4, B4)), 0, false, GATEWAY);
        assertThat(counters.read(0, EndpointCounters.DROPS + DropReason.INVALID.ordinal())).isEqualTo(1);
        assertThat(counters.read(0, EndpointCounters.DROPS + DropReason.NO_ROUTE.ordinal())).isEqualTo(1);
    }

    @Test
    void uplinkTrafficIsNotSourceChecked() {
        router.route(router.table(), mbuf(udp6(0x0200_0000_00ffL, IpAddress.parse("2001:db8:203::10"), B6, 64)),
                PortBinding.UPLINK, true, GATEWAY);
        assertThat(router.pendingTx(1)).isEqualTo(1);
    }

    @Test
    void hopLimitOneIsTtlExceeded() {
        router.route(router.table(), mbuf(udp6(MAC_A, A6, B6, 1)), 0, false, GATEWAY);
        assertThat(counters.read(0, EndpointCounters.DROPS + DropReason.TTL_EXCEEDED.ordinal())).isEqualTo(1);
    }

    @Test
    void linkLocalTrafficIsNeitherRoutedNorCounted() {
        router.route(router.table(), mbuf(udp6(MAC_A, IpAddress.parse("fe80::2"), IpAddress.parse("fe80::1"), 64)), 0, false,
                GATEWAY);
        assertThat(counters.read(0, EndpointCounters.TX_PACKETS)).isZero();
        assertThat(drops(0)).isZero();
        assertThat(router.ignoredFrames()).isEqualTo(1);
    }

    @Test
    void aNeighbourSolicitationForTheGatewayGetsAnAdvertisement() {
        MemorySegment frame = arena.allocate(Router.NA_LENGTH);
        IpAddress requester = IpAddress.parse("fe80::a");
        IpAddress gateway = IpAddress.parse("fe80::1");
        setMac(frame, 0, Router.GATEWAY_SOLICITED_MAC);
        setMac(frame, 6, MAC_A);
        frame.set(U16, 12, (short) 0x86dd);
        ipv6(frame, requester, IpAddress.parse("ff02::1:ff00:1"), 58, 32, 255);
        frame.set(ValueLayout.JAVA_BYTE, 54, (byte) 135);
        frame.set(U64, 62, gateway.high());
        frame.set(U64, 70, gateway.low());
        frame.set(ValueLayout.JAVA_BYTE, 78, (byte) 1); // source link-layer address option
        frame.set(ValueLayout.JAVA_BYTE, 79, (byte) 1);
        setMac(frame, 80, MAC_A);

        assertThat(Router.answerSolicitation(frame.address(), Router.NA_LENGTH, GATEWAY)).isEqualTo(Router.NA_LENGTH);
        assertThat(mac(frame, 0)).isEqualTo(MAC_A);
        assertThat(mac(frame, 6)).isEqualTo(GATEWAY);
        assertThat(frame.get(U64, 22)).isEqualTo(gateway.high());
        assertThat(frame.get(U64, 30)).isEqualTo(gateway.low());
        assertThat(frame.get(U64, 38)).isEqualTo(requester.high());
        assertThat(frame.get(U64, 46)).isEqualTo(requester.low());
        assertThat(Byte.toUnsignedInt(frame.get(ValueLayout.JAVA_BYTE, 54))).as("type").isEqualTo(136);
        assertThat(frame.get(U32, 58)).as("R, S, O").isEqualTo(0xe000_0000);
        assertThat(frame.get(ValueLayout.JAVA_BYTE, 78)).as("target link-layer address option").isEqualTo((byte) 2);
        assertThat(mac(frame, 80)).isEqualTo(GATEWAY);
        long sum = 32 + 58 + sum(frame, 22, 32) + sum(frame, 54, 32);
        assertThat(fold(sum)).as("ICMPv6 checksum over the pseudo-header").isEqualTo(0xffff);

        MemorySegment dad = arena.allocate(Router.NA_LENGTH);
        MemorySegment.copy(frame, 0, dad, 0, Router.NA_LENGTH);
        dad.set(ValueLayout.JAVA_BYTE, 54, (byte) 135);
        dad.set(U64, 22, 0);
        dad.set(U64, 30, 0);
        assertThat(Router.answerSolicitation(dad.address(), Router.NA_LENGTH, GATEWAY)).as("DAD from ::").isNegative();
    }

    @Test
    void routingIpv6AndDroppingSpoofsAllocatesNothing() throws Exception {
        MemorySegment good = udp6(MAC_A, A6, B6, 64);
        MemorySegment spoofed = udp6(MAC_A, IpAddress.parse("fd00:100::9"), B6, 64);
        long goodMbuf = mbuf(good);
        long spoofedMbuf = mbuf(spoofed);
        Object bean = java.lang.management.ManagementFactory.getThreadMXBean();
        java.lang.reflect.Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        long before = 0;
        for (int i = 0; i < 120_000; i++) {
            if (i == 20_000) {
                before = (long) allocatedBytes.invoke(bean);
            }
            setMac(good, 0, GATEWAY); // undo the rewrite
            good.set(ValueLayout.JAVA_BYTE, 21, (byte) 64);
            router.route(router.table(), goodMbuf, 0, false, GATEWAY);
            router.route(router.table(), spoofedMbuf, 0, false, GATEWAY);
            router.forgetPending();
        }
        long allocated = (long) allocatedBytes.invoke(bean) - before;
        // one allocated object per packet would be >= 3 MB; what remains is the JIT's and the measurement's own (~1 KiB)
        assertThat(allocated).as("bytes allocated routing 100k IPv6 packets and dropping 100k spoofed ones").isLessThan(16 * 1024);
        assertThat(counters.read(0, EndpointCounters.DROPS + DropReason.INVALID.ordinal())).isEqualTo(120_000);
    }

    @Test
    void java6LpmPicksTheLongestPrefix() {
        IpAddress net = IpAddress.parse("fd00:100::");
        Lpm6 lpm = Lpm6.of(List.of(new Lpm6.Entry(0, 0, 0, 1), new Lpm6.Entry(net.high(), net.low(), 64, 2),
                new Lpm6.Entry(A6.high(), A6.low(), 128, 3), new Lpm6.Entry(net.high(), net.low(), 64, 4)));
        assertThat(lpm.lookup(A6.high(), A6.low())).isEqualTo(3);
        assertThat(lpm.lookup(B6.high(), B6.low())).as("a later entry for the same prefix replaces").isEqualTo(4);
        assertThat(lpm.lookup(VNF_NET.high(), VNF_NET.low())).as("default").isEqualTo(1);
        assertThat(Lpm6.of(List.of(new Lpm6.Entry(net.high(), net.low(), 63, 0))).lookup(VNF_NET.high(), 0)).isEqualTo(Lpm6.MISS);
        assertThat(lpm.lengthCount()).isEqualTo(3);
    }

    private long drops(int slot) {
        long total = 0;
        for (DropReason r : DropReason.values()) {
            total += counters.read(slot, EndpointCounters.DROPS + r.ordinal());
        }
        return total;
    }

    /** A fake mbuf whose single segment is {@code frame}. */
    private long mbuf(MemorySegment frame) {
        MemorySegment m = arena.allocate(Layouts.MBUF_SIZE, 64);
        m.set(ValueLayout.JAVA_LONG, Layouts.MBUF_BUF_ADDR, frame.address());
        m.set(ValueLayout.JAVA_SHORT, Layouts.MBUF_DATA_OFF, (short) 0);
        m.set(ValueLayout.JAVA_SHORT, Layouts.MBUF_DATA_LEN, (short) frame.byteSize());
        m.set(ValueLayout.JAVA_INT, Layouts.MBUF_PKT_LEN, (int) frame.byteSize());
        return m.address();
    }

    private MemorySegment udp6(long srcMac, IpAddress src, IpAddress dst, int hopLimit) {
        MemorySegment f = arena.allocate(14 + 40 + 8 + 4);
        setMac(f, 0, GATEWAY);
        setMac(f, 6, srcMac);
        f.set(U16, 12, (short) 0x86dd);
        ipv6(f, src, dst, 17, 12, hopLimit);
        f.set(U16, 54, (short) 40000);
        f.set(U16, 56, (short) 7000);
        f.set(U16, 58, (short) 12);
        return f;
    }

    private MemorySegment udp4(long srcMac, int src, int dst) {
        MemorySegment f = arena.allocate(14 + 20 + 8);
        setMac(f, 0, GATEWAY);
        setMac(f, 6, srcMac);
        f.set(U16, 12, (short) 0x0800);
        f.set(ValueLayout.JAVA_BYTE, 14, (byte) 0x45);
        f.set(U16, 16, (short) 28);
        f.set(ValueLayout.JAVA_BYTE, 22, (byte) 64);
        f.set(ValueLayout.JAVA_BYTE, 23, (byte) 17);
        f.set(U32, 26, src);
        f.set(U32, 30, dst);
        return f;
    }

    private static void ipv6(MemorySegment f, IpAddress src, IpAddress dst, int nextHeader, int payload, int hopLimit) {
        f.set(U32, 14, 0x6000_0000);
        f.set(U16, 18, (short) payload);
        f.set(ValueLayout.JAVA_BYTE, 20, (byte) nextHeader);
        f.set(ValueLayout.JAVA_BYTE, 21, (byte) hopLimit);
        f.set(U64, 22, src.high());
        f.set(U64, 30, src.low());
        f.set(U64, 38, dst.high());
        f.set(U64, 46, dst.low());
    }

    private static void setMac(MemorySegment f, long offset, long mac) {
        f.set(U16, offset, (short) (mac >>> 32));
        f.set(U32, offset + 2, (int) mac);
    }

    private static long mac(MemorySegment f, long offset) {
        return ((long) Short.toUnsignedInt(f.get(U16, offset)) << 32) | Integer.toUnsignedLong(f.get(U32, offset + 2));
    }

    private static long sum(MemorySegment s, int offset, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += Short.toUnsignedInt(s.get(U16, offset + i));
        }
        return sum;
    }

    private static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
