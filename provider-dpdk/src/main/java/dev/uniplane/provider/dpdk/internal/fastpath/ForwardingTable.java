package dev.uniplane.provider.dpdk.internal.fastpath;

import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteLpm;
import dev.uniplane.provider.dpdk.internal.program.CompiledPolicy;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One immutable generation of the {@link Router}'s state: the ports it polls, an {@code rte_lpm} (IPv4) and an
 * {@link Lpm6} (IPv6) whose next hop indexes an ECMP group, and the anti-spoofing {@link SourceFilter}. A group is a run of {@link #slots} (each hop repeated by its weight, divided by the gcd of
 * the weights); a slot names a member: kind, output port, new MACs and the endpoint slot to charge. Published with one
 * volatile write ({@link Router#publish}); its LPM is freed by {@link #free()} once the loop has passed a quiescent
 * point.
 */
public final class ForwardingTable {
    static final byte DROP = 0;
    static final byte ENDPOINT = 1;
    static final byte GATEWAY = 2;
    /** In {@link #endpointOfPort}: no such port in this table. */
    static final int NO_PORT = -2;
    private static final AtomicLong NAMES = new AtomicLong();

    final short[] ports;
    final int[] portEndpoint;
    final long[] portMac;
    final boolean[] portUplink;
    /** Indexed by port id: the endpoint slot behind it, {@link PortBinding#UPLINK} or {@link #NO_PORT}. */
    final int[] endpointOfPort;
    final MemorySegment lpm;
    /** Whether there is an IPv4 LPM (any IPv4 route). */
    final boolean hasLpm;
    final Lpm6 lpm6;
    /** Which sources each endpoint slot may send from. */
    final SourceFilter sources;
    final int[] groupStart;
    final int[] groupLength;
    final int[] slots;
    final byte[] memberKind;
    final short[] memberPort;
    final long[] memberSrcMac;
    final long[] memberDstMac;
    final int[] memberEndpoint;
    /** Source MAC of frames delivered to endpoints (the workloads' gateway). */
    final long gatewayMac;
    /** The policy in force with this table (never null). */
    final CompiledPolicy policy;
    /** The policy revision: flows opened under another one are re-checked on their next packet. */
    final long revision;
    private final int routes;
    private boolean freed;

    private ForwardingTable(List<PortBinding> bindings, MemorySegment lpm, Lpm6 lpm6, int[] groupStart, int[] groupLength,
                            int[] slots, List<Hop> members, int routes, long gatewayMac, CompiledPolicy policy, long revision,
                            SourceFilter sources) {
        this.gatewayMac = gatewayMac;
        this.lpm6 = lpm6;
        this.sources = sources;
        this.policy = policy;
        this.revision = revision;
        int n = bindings.size();
        this.ports = new short[n];
        this.portEndpoint = new int[n];
        this.portMac = new long[n];
        this.portUplink = new boolean[n];
        this.endpointOfPort = new int[Layouts.MAX_ETHPORTS];
        Arrays.fill(endpointOfPort, NO_PORT);
        for (int i = 0; i < n; i++) {
            PortBinding b = bindings.get(i);
            ports[i] = (short) b.portId();
            portEndpoint[i] = b.endpointSlot();
            portMac[i] = b.ownMac();
            portUplink[i] = b.uplink();
            endpointOfPort[b.portId()] = b.endpointSlot();
        }
        this.lpm = lpm;
        this.hasLpm = !lpm.equals(MemorySegment.NULL);
        this.groupStart = groupStart;
        this.groupLength = groupLength;
        this.slots = slots;
        int m = members.size();
        this.memberKind = new byte[m];
        this.memberPort = new short[m];
        this.memberSrcMac = new long[m];
        this.memberDstMac = new long[m];
        this.memberEndpoint = new int[m];
        for (int i = 0; i < m; i++) {
            switch (members.get(i)) {
                case Hop.Drop d -> {
                    memberKind[i] = DROP;
                    memberEndpoint[i] = -1;
                }
                case Hop.ToEndpoint e -> {
                    memberKind[i] = ENDPOINT;
                    memberPort[i] = (short) e.portId();
                    memberDstMac[i] = e.mac();
                    memberEndpoint[i] = e.slot();
                }
                case Hop.ToGateway g -> {
                    memberKind[i] = GATEWAY;
                    memberPort[i] = (short) g.portId();
                    memberSrcMac[i] = g.srcMac();
                    memberDstMac[i] = g.dstMac();
                    memberEndpoint[i] = -1;
                }
            }
        }
        this.routes = routes;
    }

    /**
     * Builds a table: creates and fills a new LPM (on {@code socket}, only when there are IPv4 routes) and the IPv6 LPM;
     * nothing is published. Later routes with the same prefix replace earlier ones. No policy, no source check.
     *
     * @param gatewayMac the source MAC of frames delivered to endpoints
     * @throws DpdkException when the LPM cannot be created or filled (nothing leaks)
     */
    public static ForwardingTable build(int socket, List<PortBinding> ports, List<TableRoute> routes, long gatewayMac) {
        return build(socket, ports, routes, gatewayMac, CompiledPolicy.empty(), 0, SourceFilter.OPEN);
    }

    /** As {@link #build(int, List, List, long)}, with a compiled policy, its revision and the anti-spoofing filter. */
    public static ForwardingTable build(int socket, List<PortBinding> ports, List<TableRoute> routes, long gatewayMac,
                                        CompiledPolicy policy, long revision, SourceFilter sources) {
        List<int[]> groups = new ArrayList<>();
        List<Integer> slotList = new ArrayList<>();
        List<Hop> members = new ArrayList<>();
        for (TableRoute r : routes) {
            int gcd = r.hops().stream().mapToInt(Hop::weight).reduce(0, ForwardingTable::gcd);
            int start = slotList.size();
            for (Hop h : r.hops()) {
                int member = members.size();
                members.add(h);
                for (int w = 0; w < h.weight() / gcd; w++) {
                    slotList.add(member);
                }
            }
            groups.add(new int[] {start, slotList.size() - start});
        }
        List<Lpm6.Entry> v6 = new ArrayList<>();
        for (int i = 0; i < routes.size(); i++) {
            TableRoute r = routes.get(i);
            if (r.v6()) {
                v6.add(new Lpm6.Entry(r.high(), r.low(), r.length(), i));
            }
        }
        Lpm6 lpm6 = Lpm6.of(v6);
        int v4 = routes.size() - v6.size();
        int tbl8 = 64 + (int) routes.stream().filter(r -> !r.v6() && r.length() > 24).count();
        MemorySegment lpm = MemorySegment.NULL;
        if (v4 > 0) {
            lpm = DpdkException.checkPointer("rte_lpm_create", RteLpm.create("upd-lpm-" + NAMES.incrementAndGet(), socket,
                    Math.max(64, v4 * 2), tbl8));
            try {
                for (int i = 0; i < routes.size(); i++) {
                    TableRoute r = routes.get(i);
                    if (r.v6()) {
                        continue;
                    }
                    DpdkException.check("rte_lpm_add(" + Integer.toUnsignedString(r.address()) + "/" + r.length() + ")",
                            RteLpm.add(lpm, r.address(), r.length(), i));
                }
            } catch (RuntimeException e) {
                RteLpm.free(lpm);
                throw e;
            }
        }
        int[] start = groups.stream().mapToInt(g -> g[0]).toArray();
        int[] length = groups.stream().mapToInt(g -> g[1]).toArray();
        return new ForwardingTable(ports, lpm, lpm6, start, length, slotList.stream().mapToInt(Integer::intValue).toArray(),
                members, routes.size(), gatewayMac, policy, revision, sources);
    }

    /** An empty table: no ports, no routes. */
    public static ForwardingTable empty() {
        return new ForwardingTable(List.of(), MemorySegment.NULL, Lpm6.of(List.of()), new int[0], new int[0], new int[0],
                List.of(), 0, 0, CompiledPolicy.empty(), 0, SourceFilter.OPEN);
    }

    /** Number of polled ports. */
    public int portCount() {
        return ports.length;
    }

    /** The compiled policy of this table. */
    public CompiledPolicy policy() {
        return policy;
    }

    /** Number of LPM entries (IPv4 and IPv6). */
    public int routeCount() {
        return routes;
    }

    /** Frees the LPM; only after the loop stopped using this table. Idempotent. */
    public synchronized void free() {
        if (!freed) {
            freed = true;
            if (!lpm.equals(MemorySegment.NULL)) {
                RteLpm.free(lpm);
            }
        }
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
