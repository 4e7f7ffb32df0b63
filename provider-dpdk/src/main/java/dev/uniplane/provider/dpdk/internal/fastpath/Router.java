package dev.uniplane.provider.dpdk.internal.fastpath;

import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ALL;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ETH_IPV4;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ETH_IPV6;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U32_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U64_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.dataLength;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.frame;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u16;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u8;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.LcoreJob;
import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The IPv4/IPv6 router on the EAL lcore. Each round it reads the current {@link ForwardingTable} once (a volatile load),
 * polls every port of it (rx burst of {@link #BURST}), and per frame: answers an ARP request for the gateway
 * 169.254.1.1 and a Neighbour Solicitation for fe80::1 on an endpoint port; checks it is addressed to the port's own MAC and is IPv4 or IPv6 to a routable address
 * (anything else, and our own output that the packet socket sees again, is freed without counting); drops a spoofed
 * source ({@link SourceFilter}); looks the destination up in the LPM ({@code rte_lpm} or {@link Lpm6}), picks an ECMP
 * member by a 5-tuple hash, decrements the TTL/hop limit, rewrites both MACs and stages it for the output port; then
 * one tx burst per output port. Drops are counted by reason on the endpoint that sent the packet (or, for uplink
 * traffic, the endpoint it was for). Addresses are handled as 128 bits, IPv4 as IPv4-mapped IPv6
 * ({@link FlowTable#v4}). Nothing is allocated per packet.
 *
 * <p>Per burst rather than per packet: the IPv4 destinations are looked up in one {@code rte_lpm_lookup_bulk} downcall
 * before the packets are routed (a packet whose destination differs from what was looked up, which cannot happen with
 * one mbuf per frame, falls back to a single lookup), the sender's tx counters are added once, and the receivers' rx
 * counters once per output port, before the tx burst.
 *
 * <p>The work is split into stages, each a small class with the state it needs: {@link FrameParser} (the IP header and
 * the transport fields), {@link GatewayResponder} (ARP and Neighbour Discovery answers for the gateway),
 * {@link PolicyStage} (connection tracking and policy), {@link RouteLookup} (LPM and ECMP) and {@link Forwarder}
 * (rewrite, staging, tx bursts, drops and counters). This class keeps the polling loop and {@link #route}, the
 * pipeline that calls them. The stages are sized for C2: {@code route} is compiled on its own with the stages inlined
 * into it (each hot stage method stays under {@code FreqInlineSize}, 325 bytecodes; the IP header parse stays a call,
 * as it was before the split), so the split costs no calls on the established-flow path. That needs {@code route}
 * and everything inlined into it to stay under C2's parse budget ({@code NodeCountInliningCutoff}, 18,000 nodes;
 * whatever comes later is called instead): each off-heap {@code MemorySegment} access costs ~650 nodes while C2 parses
 * it, which is why the flow table is a heap array and both MACs are read and written in two accesses each (about
 * 13,800 nodes on the established-flow path; see docs/performance.md).
 *
 * <p>Table changes are RCU-style: {@link #publish} swaps the reference, then waits until the loop finishes the round
 * it was in ({@link #epoch} advanced), after which no reader holds the old table and its LPM can be freed.
 *
 * <p>When a round receives nothing {@link #SPIN_ROUNDS} times in a row, the loop parks for 1 µs, doubling up to
 * {@link #MAX_SLEEP} (like OVS's {@code pmd-maxsleep}); any packet resets it. The shared 2-vCPU machine stays usable
 * at the price of up to ~0.1 ms (plus the kernel's timer slack) of extra latency on an idle port.
 */
public final class Router implements LcoreJob {
    /** Packets per rx burst. */
    public static final int BURST = 32;
    /** Longest idle sleep between polling rounds. */
    public static final Duration MAX_SLEEP = Duration.ofNanos(100_000);
    /** Empty rounds before the loop starts to sleep. */
    public static final int SPIN_ROUNDS = 64;
    private static final short QUEUE = 0;
    private static final long MIN_SLEEP_NANOS = 1_000;
    // the gateway's addresses and answer sizes, as GatewayResponder has them (tests use these names)
    static final int GATEWAY4 = GatewayResponder.GATEWAY4;
    static final long BROADCAST_MAC = GatewayResponder.BROADCAST_MAC;
    static final int ARP_LENGTH = GatewayResponder.ARP_LENGTH;
    static final long GATEWAY_SOLICITED_MAC = GatewayResponder.GATEWAY_SOLICITED_MAC;
    static final int NA_LENGTH = GatewayResponder.NA_LENGTH;
    // DropReason ordinals (sdk-api order): POLICY_DENIED, POLICY_DEFAULT_DENY, NO_ROUTE, TTL_EXCEEDED, INVALID, OTHER
    private static final int NO_ROUTE = EndpointCounters.DROPS + 2;
    private static final int TTL_EXCEEDED = EndpointCounters.DROPS + 3;
    private static final int INVALID = EndpointCounters.DROPS + 4;

    private final EndpointCounters counters;
    private final FrameParser packet = new FrameParser();
    private final RouteLookup routes = new RouteLookup(BURST);
    private final PolicyStage policy;
    private final Forwarder forwarder;
    private final GatewayResponder gateway;
    private long now;
    private final MemorySegment burst;
    private final long burstAddress;
    private final AtomicLong sleeps = new AtomicLong();
    private volatile ForwardingTable table;
    private volatile long epoch;
    private volatile boolean stopRequested;
    private CompletableFuture<Void> done;

    /** A router that is not started: {@link #route} can be driven directly (tests). */
    static Router unstarted(EndpointCounters counters, RuleCounters ruleCounters, FlowTable flows, ForwardingTable initial) {
        return new Router(counters, ruleCounters, flows, initial);
    }

    private Router(EndpointCounters counters, RuleCounters ruleCounters, FlowTable flows, ForwardingTable initial) {
        this.counters = counters;
        this.policy = new PolicyStage(flows, ruleCounters, routes);
        this.forwarder = new Forwarder(counters);
        this.gateway = new GatewayResponder(forwarder);
        this.table = initial;
        this.burst = Arena.ofAuto().allocate(ADDRESS, BURST);
        this.burstAddress = burst.address();
    }

    /** Starts a router on the lcore of {@code eal} with {@code initial} as its first table. */
    public static Router start(Eal eal, EndpointCounters counters, RuleCounters ruleCounters, FlowTable flows,
                               ForwardingTable initial) {
        Router router = new Router(counters, ruleCounters, flows, initial);
        router.done = eal.launch(router);
        return router;
    }

    /** The table in force. */
    public ForwardingTable table() {
        return table;
    }

    /**
     * Publishes {@code next} (one volatile write) and waits until the loop has left the round that may still read the
     * previous table.
     *
     * @return the previous table, which the loop no longer reads (the caller frees it)
     * @throws IllegalStateException when the loop does not pass a quiescent point within a second (the new table is in
     *                               place, but the old one may still be in use and must not be freed)
     */
    public ForwardingTable publish(ForwardingTable next) {
        ForwardingTable previous = table;
        table = next;
        long seen = epoch;
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (epoch == seen && running()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("the router did not pass a quiescent point within 1 s after a table swap");
            }
            LockSupport.parkNanos(20_000);
        }
        return previous;
    }

    /** Frames freed without counting: not IPv4, not addressed to us, or our own output seen again. */
    public long ignoredFrames() {
        return forwarder.ignored();
    }

    /** Neighbour Solicitations for fe80::1 answered (none expected: the workloads pin fe80::1 permanently). */
    public long neighbourAdvertisements() {
        return gateway.advertisements();
    }

    /** ARP requests for 169.254.1.1 answered (none from veth workloads, which pin the gateway; DPDK workloads may ask). */
    public long arpReplies() {
        return gateway.arpReplies();
    }

    /** How often the loop slept because it found no packets. */
    public long idleSleeps() {
        return sleeps.get();
    }

    /** Whether the loop still polls. */
    public boolean running() {
        return done != null && !done.isDone();
    }

    @Override
    public String name() {
        return "Router";
    }

    @Override
    public void requestStop() {
        stopRequested = true;
    }

    /** Asks the loop to stop and waits for the lcore to leave it. */
    public void stop() {
        LcoreJob.stop(this, done);
    }

    @Override
    public void run() {
        int empty = 0;
        long sleep = MIN_SLEEP_NANOS;
        long sleepCount = 0;
        while (!stopRequested) {
            ForwardingTable t = table;
            int received = 0;
            for (int i = 0; i < t.ports.length; i++) {
                received += poll(t, i);
            }
            epoch = epoch + 1; // single writer: the lcore
            if (received > 0) {
                empty = 0;
                sleep = MIN_SLEEP_NANOS;
            } else if (++empty > SPIN_ROUNDS) {
                LockSupport.parkNanos(sleep);
                sleep = Math.min(sleep * 2, MAX_SLEEP.toNanos());
                if ((++sleepCount & 0xff) == 0) {
                    sleeps.lazySet(sleepCount);
                }
            }
        }
        sleeps.lazySet(sleepCount);
    }

    private int poll(ForwardingTable t, int index) {
        short port = t.ports[index];
        int n = RteEthDev.rxBurst(port, QUEUE, burst, (short) BURST);
        if (n == 0) {
            return 0;
        }
        now = System.nanoTime();
        int source = t.portEndpoint[index];
        boolean uplink = t.portUplink[index];
        long own = t.portMac[index];
        routes.lookUpDestinations(t, burstAddress, n);
        for (int k = 0; k < n; k++) {
            long m = ALL.get(JAVA_LONG, burstAddress + 8L * k);
            int length = dataLength(m);
            long f = frame(m);
            int etherType = length < 14 ? 0 : u16(f + 12);
            if (uplink || etherType == ETH_IPV4 || !gateway.answered(port, m, f, length, etherType, own)) {
                route(t, m, f, length, etherType, k, source, uplink, own);
            }
        }
        forwarder.countSent(source);
        forwarder.flush(t);
        return n;
    }

    /** Routes one frame outside a burst (tests): single LPM lookups, the sender's tx counters added at once. */
    void route(ForwardingTable t, long m, int source, boolean uplink, long own) {
        int length = dataLength(m);
        long f = frame(m);
        route(t, m, f, length, length < 14 ? 0 : u16(f + 12), -1, source, uplink, own);
        forwarder.countSent(source);
    }

    /**
     * Routes frame {@code f} ({@code length} bytes, {@code etherType}) of mbuf {@code m}, entry {@code k} of the burst
     * whose IPv4 destinations {@link RouteLookup#lookUpDestinations} looked up (-1: none): parse, anti-spoofing, egress
     * policy, route lookup, next-hop checks, ingress policy, tracking, forward. Drops are counted on the sender, or for
     * uplink traffic on the endpoint it was for.
     */
    private void route(ForwardingTable t, long m, long f, int length, int etherType, int k, int source, boolean uplink, long own) {
        if (length < 34 || !addressedFromElsewhere(f, own) || (etherType != ETH_IPV4 && etherType != ETH_IPV6)) {
            forwarder.ignore(m);
            return;
        }
        FrameParser p = packet;
        boolean valid = p.parse(f, length, etherType == ETH_IPV6);
        if (valid && p.linkScoped()) {
            forwarder.ignore(m); // the link's own traffic (ND, MLD, pings to fe80::1): not forwarded, not counted
            return;
        }
        int packetLength = ALL.get(JAVA_INT, m + Layouts.MBUF_PKT_LEN);
        if (!uplink) {
            forwarder.sent(packetLength);
        }
        int charge = uplink ? counters.unattributed() : source;
        if (!valid) {
            forwarder.drop(m, charge, INVALID);
            return;
        }
        // anti-spoofing, before anything else: the endpoint's own addresses and prefixes routed to it
        if (!uplink && !t.sources.allows(source, p.srcHigh, p.srcLow)) {
            forwarder.drop(m, source, INVALID);
            return;
        }
        p.readTransport();
        int egress = policy.admitEgress(t, p, source, uplink, now);
        if (egress != PolicyStage.ADMITTED) {
            forwarder.drop(m, source, egress);
            return;
        }
        int group = routes.group(t, p, k);
        if (group < 0) {
            forwarder.drop(m, charge, NO_ROUTE);
            return;
        }
        int member = RouteLookup.member(t, group, p);
        byte hop = t.memberKind[member];
        if (uplink && t.memberEndpoint[member] >= 0) {
            charge = t.memberEndpoint[member];
        }
        if (hop == ForwardingTable.DROP) {
            forwarder.drop(m, charge, NO_ROUTE);
            return;
        }
        if (hop == ForwardingTable.GATEWAY && uplink) {
            // never hairpin uplink traffic back to the uplink (e.g. the node's own traffic under a default route)
            forwarder.ignore(m);
            return;
        }
        int ttl = u8(p.hopLimitAt);
        if (ttl <= 1) {
            forwarder.drop(m, charge, TTL_EXCEEDED);
            return;
        }
        int receiver = hop == ForwardingTable.ENDPOINT ? t.memberEndpoint[member] : -1;
        int ingress = policy.admitIngress(t, p, receiver);
        if (ingress != PolicyStage.ADMITTED) {
            forwarder.drop(m, receiver, ingress);
            return;
        }
        policy.track(t, p, source, uplink, receiver, now);
        forwarder.forward(t, m, f, p, member, hop, ttl, uplink, packetLength);
    }

    /**
     * Whether frame {@code f} is addressed to MAC {@code own} and not sent from it (our own output, which the packet
     * socket sees again). Both MACs in two reads (each off-heap access costs C2 parse nodes in this method's budget).
     */
    private static boolean addressedFromElsewhere(long f, long own) {
        long head = ALL.get(U64_BE, f); // the destination MAC and the source MAC's first two bytes
        long sourceMac = (head & 0xffff) << 32 | (ALL.get(U32_BE, f + 8) & 0xffffffffL);
        return head >>> 16 == own && sourceMac != own;
    }

    /** Frames dropped this burst and not yet freed (tests). */
    int pendingDrops() {
        return forwarder.pendingDrops();
    }

    /** Forgets staged and dropped frames without sending or freeing them (tests with fake mbufs). */
    void forgetPending() {
        forwarder.forgetPending();
    }

    /** Frames staged for output port {@code port} and not yet sent (tests). */
    int pendingTx(int port) {
        return forwarder.pendingTx(port);
    }

    /** RFC 1624 incremental update of the header checksum for the TTL/protocol word ({@link Checksums}). */
    static void decrementTtl(long ip, int ttl, int protocol) {
        Checksums.decrementTtl(ip, ttl, protocol);
    }

    /** The L4 checksum of a TCP/UDP packet over IPv4 completed in software ({@link Checksums}). */
    static void completeL4Checksum(long ip, long l4, int l4Length, int protocol) {
        Checksums.completeL4Checksum(ip, l4, l4Length, protocol);
    }

    /** The ARP reply for the gateway ({@link GatewayResponder#answerArp}). */
    static int answerArp(long f, int length, long gatewayMac) {
        return GatewayResponder.answerArp(f, length, gatewayMac);
    }

    /** The Neighbour Advertisement for the gateway ({@link GatewayResponder#answerSolicitation}). */
    static int answerSolicitation(long f, int length, long gatewayMac) {
        return GatewayResponder.answerSolicitation(f, length, gatewayMac);
    }

    /** The ECMP hash of a 5-tuple ({@link RouteLookup#hash}). */
    static long hash(int source, int destination, int protocol, int ports) {
        return RouteLookup.hash(source, destination, protocol, ports);
    }
}
