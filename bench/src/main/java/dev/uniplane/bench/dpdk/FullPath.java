package dev.uniplane.bench.dpdk;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.LcoreJob;
import dev.uniplane.provider.dpdk.internal.fastpath.EndpointCounters;
import dev.uniplane.provider.dpdk.internal.fastpath.FlowTable;
import dev.uniplane.provider.dpdk.internal.fastpath.ForwardingTable;
import dev.uniplane.provider.dpdk.internal.fastpath.Hop;
import dev.uniplane.provider.dpdk.internal.fastpath.PortBinding;
import dev.uniplane.provider.dpdk.internal.fastpath.Router;
import dev.uniplane.provider.dpdk.internal.fastpath.RuleCounters;
import dev.uniplane.provider.dpdk.internal.fastpath.TableRoute;
import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import dev.uniplane.provider.dpdk.internal.ffm.RteLpm;
import dev.uniplane.provider.dpdk.internal.ffm.ShimLibrary.BenchPath;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The full-path comparison: our {@link Router} (own-MAC and IPv4 checks, connection tracker lookup, LPM, TTL - 1 with
 * the incremental checksum, MAC rewrite, per-endpoint counters) against the shim's C loop doing the same lookups
 * ({@code rte_hash} flow lookup, {@code rte_lpm}, TTL, MAC rewrite, counters) on the same packets.
 *
 * <p>Packets: {@link #FLOWS} UDP flows of 64-byte frames from endpoint A (10.100.0.2, slot 0) to 10.101.k.j, written to a
 * pcap file and replayed endlessly by {@code net_pcap} ({@code infinite_rx=1}: every rx allocates an mbuf and copies
 * the prepared frame into it; without a tx file its tx frees what it gets). Both loops poll that one port and send back
 * out of it, so the PMD work is identical and the difference is the per-packet processing. Routes: host routes for A,
 * B and C and 64 /24s alternating to B and C. Every flow is tracked (a tracked packet skips policy in the router, as
 * in the C loop), so the steady state is the established-flow path.
 */
final class FullPath implements AutoCloseable {
    static final int FLOWS = 256;
    static final String GATEWAY_MAC = "02:75:70:6b:00:01";
    private static final long GATEWAY = 0x0275_706b_0001L;
    private static final long MAC_A = 0x0275_7000_000aL;
    private static final long MAC_B = 0x0275_7000_000bL;
    private static final long MAC_C = 0x0275_7000_000cL;
    private static final int ADDRESS_A = 0x0a64_0002;
    private static final int ADDRESS_B = 0x0a64_0003;
    private static final int ADDRESS_C = 0x0a64_0004;
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final Eal eal;
    private final int port;
    private final ForwardingTable table;
    private final List<TableRoute> routes;
    private final EndpointCounters routerCounters = new EndpointCounters(3);
    private final RuleCounters ruleCounters = new RuleCounters(16);
    private final FlowTable flowTable = new FlowTable(65536, FlowTimeouts.DEFAULT);
    private final Arena arena = Arena.ofShared();
    private final MemorySegment cLpm;
    private final MemorySegment cFlows;
    private final MemorySegment cHops;
    private final MemorySegment cCounters;
    private final MemorySegment ownMac;

    private FullPath(Eal eal, int port) {
        this.eal = eal;
        this.port = port;
        this.routes = routes(port);
        this.table = ForwardingTable.build(eal.socket(), List.of(new PortBinding(port, 0, GATEWAY)), routes, GATEWAY);
        // the C side: its own LPM with the same routes (next hop = route index) and one hop per route
        this.cLpm = DpdkException.checkPointer("rte_lpm_create", RteLpm.create("uph6-bench-c", eal.socket(), 256, 64));
        for (int i = 0; i < routes.size(); i++) {
            TableRoute r = routes.get(i);
            DpdkException.check("rte_lpm_add", RteLpm.add(cLpm, r.address(), r.length(), i));
        }
        int hopSize = BenchPath.hopSize();
        this.cHops = arena.allocate((long) hopSize * routes.size(), 8);
        for (int i = 0; i < routes.size(); i++) {
            Hop.ToEndpoint hop = (Hop.ToEndpoint) routes.get(i).hops().getFirst();
            long at = (long) i * hopSize;
            writeMac(cHops, at, hop.mac());
            writeMac(cHops, at + 6, GATEWAY);
            cHops.set(JAVA_SHORT, at + 12, (short) port);
            cHops.set(JAVA_INT, at + 16, hop.slot());
        }
        this.cFlows = DpdkException.checkPointer("uniplane_bench_flows_create", BenchPath.flowsCreate("uph6-bench-flows", 4096, eal.socket()));
        for (int i = 0; i < FLOWS; i++) {
            DpdkException.check("uniplane_bench_flows_add", BenchPath.flowsAdd(cFlows, ADDRESS_A, destination(i), 17, sourcePort(i), 8080));
        }
        this.cCounters = arena.allocate(8L * BenchPath.COLUMNS * 4, 64);
        this.ownMac = arena.allocate(8);
        writeMac(ownMac, 0, GATEWAY);
    }

    /** The replay port both loops poll and send back out of. */
    int port() {
        return port;
    }

    /** The table and C structures for the pcap port {@code port} (already open). */
    static FullPath create(Eal eal, int port) {
        if (port >= BenchPath.MAX_PORTS) {
            throw new IllegalArgumentException("port " + port + " >= " + BenchPath.MAX_PORTS);
        }
        return new FullPath(eal, port);
    }

    /** Writes {@link #FLOWS} frames, one per flow, as a pcap file (Ethernet link type). */
    static Path writePcap(Path file) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(24 + FLOWS * (16 + 64)).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        for (int i = 0; i < FLOWS; i++) {
            out.putInt(0).putInt(i).putInt(64).putInt(64);
            out.put(frame(GATEWAY, MAC_A, ADDRESS_A, destination(i), sourcePort(i), 8080));
        }
        Files.write(file, out.array());
        return file;
    }

    /** A 64-byte UDP/IPv4 frame with a valid header checksum, TTL 64. */
    static byte[] frame(long dstMac, long srcMac, int source, int destination, int sport, int dport) {
        ByteBuffer f = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
        f.putShort((short) (dstMac >>> 32)).putInt((int) dstMac).putShort((short) (srcMac >>> 32)).putInt((int) srcMac);
        f.putShort((short) 0x0800);
        f.put((byte) 0x45).put((byte) 0).putShort((short) 50).putShort((short) 0).putShort((short) 0x4000);
        f.put((byte) 64).put((byte) 17).putShort((short) 0).putInt(source).putInt(destination);
        int sum = 0;
        for (int k = 14; k < 34; k += 2) {
            sum += f.getShort(k) & 0xffff;
        }
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        f.putShort(24, (short) ~sum);
        f.position(34);
        f.putShort((short) sport).putShort((short) dport).putShort((short) 30).putShort((short) 0);
        return f.array();
    }

    private static int destination(int flow) {
        return 0x0a65_0000 | (flow % 64) << 8 | (1 + flow / 64);
    }

    private static int sourcePort(int flow) {
        return 10_000 + flow;
    }

    private static List<TableRoute> routes(int port) {
        List<TableRoute> routes = new ArrayList<>();
        routes.add(new TableRoute(ADDRESS_A, 32, List.of(new Hop.ToEndpoint(0, port, MAC_A, 1))));
        routes.add(new TableRoute(ADDRESS_B, 32, List.of(new Hop.ToEndpoint(1, port, MAC_B, 1))));
        routes.add(new TableRoute(ADDRESS_C, 32, List.of(new Hop.ToEndpoint(2, port, MAC_C, 1))));
        for (int k = 0; k < 64; k++) {
            boolean toB = k % 2 == 0;
            routes.add(new TableRoute(0x0a65_0000 | k << 8, 24, List.of(new Hop.ToEndpoint(toB ? 1 : 2, port, toB ? MAC_B : MAC_C, 1))));
        }
        return routes;
    }

    private static void writeMac(MemorySegment to, long at, long mac) {
        for (int b = 0; b < 6; b++) {
            to.set(JAVA_BYTE, at + b, (byte) (mac >>> (40 - 8 * b)));
        }
    }

    /** Runs the router until {@code window} ends; packets = delivered (counted on the port's endpoint row). */
    Measurement measureRouter(Window window) throws InterruptedException {
        Router router = Router.start(eal, routerCounters, ruleCounters, flowTable, table);
        try {
            return window.measure(() -> routerCounters.read(0, EndpointCounters.RX_PACKETS));
        } finally {
            router.stop();
        }
    }

    /** Runs the C loop on the lcore until {@code window} ends; packets = delivered to B and C. */
    Measurement measureC(Window window) throws InterruptedException {
        MemorySegment stop = arena.allocate(JAVA_INT);
        CLoop job = new CLoop(stop);
        CompletableFuture<Void> done = eal.launch(job);
        try {
            return window.measure(() -> cCounters.getAtIndex(JAVA_LONG, BenchPath.COLUMNS + BenchPath.RX_PACKETS)
                    + cCounters.getAtIndex(JAVA_LONG, 2L * BenchPath.COLUMNS + BenchPath.RX_PACKETS));
        } finally {
            job.requestStop();
            try {
                done.get(Eal.STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the C loop did not stop: " + e, e);
            }
        }
    }

    /** Drops the C loop counted (no route, untracked): must stay 0 for a fair comparison. */
    long cDrops() {
        long drops = 0;
        for (int slot = 0; slot < 3; slot++) {
            drops += cCounters.getAtIndex(JAVA_LONG, (long) slot * BenchPath.COLUMNS + BenchPath.DROP_UNTRACKED);
            drops += cCounters.getAtIndex(JAVA_LONG, (long) slot * BenchPath.COLUMNS + BenchPath.DROP_NO_ROUTE);
        }
        return drops;
    }

    /** Packets the router received from A and packets it delivered: equal when nothing was dropped. */
    long[] routerTxRx() {
        return new long[] {routerCounters.read(0, EndpointCounters.TX_PACKETS), routerCounters.read(0, EndpointCounters.RX_PACKETS)};
    }

    /** Live flows in the router's connection tracker. */
    int routerFlows() {
        return flowTable.live();
    }

    @Override
    public void close() {
        table.free();
        RteLpm.free(cLpm);
        BenchPath.flowsFree(cFlows);
        arena.close();
    }

    private final class CLoop implements LcoreJob {
        private final MemorySegment stop;

        CLoop(MemorySegment stop) {
            this.stop = stop;
        }

        @Override
        public void run() {
            BenchPath.fullPathLoop(port, 0, ownMac, cLpm, cFlows, cHops, routes.size(), cCounters, stop);
        }

        @Override
        public void requestStop() {
            INT.setVolatile(stop, 0L, 1);
        }

        @Override
        public String name() {
            return "C full-path loop";
        }
    }
}
