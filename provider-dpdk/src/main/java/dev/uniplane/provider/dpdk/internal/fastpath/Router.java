package dev.uniplane.provider.dpdk.internal.fastpath;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.LcoreJob;
import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import dev.uniplane.provider.dpdk.internal.ffm.RteLpm;
import dev.uniplane.provider.dpdk.internal.ffm.RteMbuf;
import dev.uniplane.provider.dpdk.internal.program.CompiledPolicy;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
    private static final ValueLayout.OfInt U32_BE = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort U16_BE = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong U64_BE = JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86dd;
    private static final int ETH_ARP = 0x0806;
    /** The IPv4 gateway every workload routes to (169.254.1.1, see sdk-linux WorkloadInterface). */
    static final int GATEWAY4 = 0xa9fe_0101;
    static final long BROADCAST_MAC = 0xffff_ffff_ffffL;
    /** An Ethernet ARP frame: 14 + 28 bytes. */
    static final int ARP_LENGTH = 42;
    private static final int ICMPV6 = 58;
    /** The workloads' IPv6 gateway fe80::1 (sdk-linux {@code WorkloadInterface.GATEWAY_V6}). */
    static final long GATEWAY6_HIGH = 0xfe80_0000_0000_0000L;
    static final long GATEWAY6_LOW = 1;
    /** Ethernet multicast of fe80::1's solicited-node address ff02::1:ff00:1. */
    static final long GATEWAY_SOLICITED_MAC = 0x3333_ff00_0001L;
    /** Ethernet + IPv6 + Neighbour Advertisement with a target link-layer address option. */
    static final int NA_LENGTH = 14 + 40 + 24 + 8;
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int SCTP = 132;
    private static final int ICMP = 1;
    // what a packet is for the connection tracker
    private static final int TRACKABLE = 0;
    private static final int ECHO_REQUEST = 1;
    private static final int ECHO_REPLY = 2;
    private static final int ICMP_ERROR = 3;
    private static final int ICMP_OTHER = 4;
    private static final int POLICY_DENIED = EndpointCounters.DROPS;
    private static final int POLICY_DEFAULT_DENY = EndpointCounters.DROPS + 1;
    // DropReason ordinals (sdk-api order): POLICY_DENIED, POLICY_DEFAULT_DENY, NO_ROUTE, TTL_EXCEEDED, INVALID, OTHER
    private static final int NO_ROUTE = EndpointCounters.DROPS + 2;
    private static final int TTL_EXCEEDED = EndpointCounters.DROPS + 3;
    private static final int INVALID = EndpointCounters.DROPS + 4;
    private static final int OTHER = EndpointCounters.DROPS + 5;
    @SuppressWarnings("restricted")
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final EndpointCounters counters;
    private final RuleCounters ruleCounters;
    private final FlowTable flows;
    private long now;
    private final MemorySegment burst;
    private final long burstAddress;
    private final MemorySegment stage;
    private final long stageAddress;
    private final MemorySegment[] stageTails;
    private final int[] staged = new int[Layouts.MAX_ETHPORTS];
    private final long[] stagedBytes = new long[Layouts.MAX_ETHPORTS];
    private final int[] touched = new int[Layouts.MAX_ETHPORTS];
    private int touchedCount;
    private final MemorySegment drops;
    private int dropCount;
    private final MemorySegment nextHop;
    private final MemorySegment single;
    // this burst's IPv4 destinations (host order, 0 for other frames) and their rte_lpm_lookup_bulk results
    private final MemorySegment lpmIps;
    private final long lpmIpsAddress;
    private final MemorySegment lpmHops;
    private final long lpmHopsAddress;
    private boolean lpmLookedUp;
    // the sender's tx counters of this burst, added to EndpointCounters once per burst
    private long txPackets;
    private long txBytes;
    // the packet being routed (lcore only): addresses as 128 bits, IPv4-mapped for IPv4
    private boolean v6;
    private long srcHigh;
    private long srcLow;
    private long dstHigh;
    private long dstLow;
    private int protocol;
    private long hopLimitAt;
    private long l4;
    private int l4Length;
    private boolean firstFragment;
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong sleeps = new AtomicLong();
    private final AtomicLong advertisements = new AtomicLong();
    private final AtomicLong arpReplies = new AtomicLong();
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
        this.ruleCounters = ruleCounters;
        this.flows = flows;
        this.table = initial;
        Arena arena = Arena.ofAuto();
        this.burst = arena.allocate(ADDRESS, BURST);
        this.burstAddress = burst.address();
        this.stage = arena.allocate(ADDRESS.byteSize() * BURST * Layouts.MAX_ETHPORTS, 64);
        this.stageAddress = stage.address();
        this.stageTails = new MemorySegment[Layouts.MAX_ETHPORTS * (BURST + 1)];
        for (int p = 0; p < Layouts.MAX_ETHPORTS; p++) {
            for (int i = 0; i <= BURST; i++) {
                stageTails[p * (BURST + 1) + i] = stage.asSlice((p * BURST + Math.min(i, BURST - 1)) * ADDRESS.byteSize());
            }
        }
        this.drops = arena.allocate(ADDRESS, BURST);
        this.nextHop = arena.allocate(JAVA_INT);
        this.single = arena.allocate(ADDRESS);
        this.lpmIps = arena.allocate(JAVA_INT, BURST);
        this.lpmIpsAddress = lpmIps.address();
        this.lpmHops = arena.allocate(JAVA_INT, BURST);
        this.lpmHopsAddress = lpmHops.address();
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
        return ignored.get();
    }

    /** Neighbour Solicitations for fe80::1 answered (none expected: the workloads pin fe80::1 permanently). */
    public long neighbourAdvertisements() {
        return advertisements.get();
    }

    /** ARP requests for 169.254.1.1 answered (none from veth workloads, which pin the gateway; DPDK workloads may ask). */
    public long arpReplies() {
        return arpReplies.get();
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
        lookUpDestinations(t, n);
        for (int k = 0; k < n; k++) {
            long m = ALL.get(JAVA_LONG, burstAddress + 8L * k);
            int length = dataLength(m);
            long f = frame(m);
            int etherType = length < 14 ? 0 : u16(f + 12);
            if (!uplink && etherType == ETH_IPV6 && answeredSolicitation(m, f, length, own)) {
                advertisements.lazySet(advertisements.get() + 1);
                reply(port, m);
            } else if (!uplink && etherType == ETH_ARP && answeredArp(m, f, length, own)) {
                arpReplies.lazySet(arpReplies.get() + 1);
                reply(port, m);
            } else {
                route(t, m, f, length, etherType, k, source, uplink, own);
            }
        }
        countSent(source);
        flush(t);
        return n;
    }

    /**
     * One {@code rte_lpm_lookup_bulk} for the IPv4 destinations of the burst's first {@code n} frames (0 for frames
     * that are not IPv4, whose result is never used); skipped when the table has no IPv4 routes or no frame is IPv4.
     */
    private void lookUpDestinations(ForwardingTable t, int n) {
        lpmLookedUp = false;
        if (!t.hasLpm) {
            return;
        }
        int v4 = 0;
        for (int k = 0; k < n; k++) {
            long m = ALL.get(JAVA_LONG, burstAddress + 8L * k);
            long f = frame(m);
            int ip = 0;
            if (dataLength(m) >= 34 && u16(f + 12) == ETH_IPV4) {
                ip = ALL.get(U32_BE, f + 30);
                v4++;
            }
            ALL.set(JAVA_INT, lpmIpsAddress + 4L * k, ip);
        }
        if (v4 > 0) {
            RteLpm.lookupBulk(t.lpm, lpmIps, lpmHops, n);
            lpmLookedUp = true;
        }
    }

    private static int dataLength(long m) {
        return Short.toUnsignedInt(ALL.get(JAVA_SHORT, m + Layouts.MBUF_DATA_LEN));
    }

    private static long frame(long m) {
        return ALL.get(JAVA_LONG, m + Layouts.MBUF_BUF_ADDR) + Short.toUnsignedInt(ALL.get(JAVA_SHORT, m + Layouts.MBUF_DATA_OFF));
    }

    /** Adds this burst's tx counters to the sender ({@code source}, not the uplink: nothing is pending for it). */
    private void countSent(int source) {
        if (txPackets != 0) {
            counters.add(source, EndpointCounters.TX_PACKETS, txPackets);
            counters.add(source, EndpointCounters.TX_BYTES, txBytes);
            txPackets = 0;
            txBytes = 0;
        }
    }

    /** A Neighbour Solicitation for the gateway rewritten in place into the Advertisement (not counted anywhere). */
    private static boolean answeredSolicitation(long m, long f, int length, long own) {
        if (length < NA_LENGTH - 8 || u16(f + 12) != ETH_IPV6 || (mac(f) != own && mac(f) != GATEWAY_SOLICITED_MAC)) {
            return false;
        }
        int answer = answerSolicitation(f, length, own);
        if (answer < 0) {
            return false;
        }
        ALL.set(JAVA_SHORT, m + Layouts.MBUF_DATA_LEN, (short) answer);
        ALL.set(JAVA_INT, m + Layouts.MBUF_PKT_LEN, answer);
        return true;
    }

    /** An ARP request for the gateway rewritten in place into the reply (not counted anywhere). */
    private static boolean answeredArp(long m, long f, int length, long own) {
        if (length < ARP_LENGTH || u16(f + 12) != ETH_ARP || (mac(f) != own && mac(f) != BROADCAST_MAC)) {
            return false;
        }
        if (answerArp(f, length, own) < 0) {
            return false;
        }
        ALL.set(JAVA_SHORT, m + Layouts.MBUF_DATA_LEN, (short) ARP_LENGTH);
        ALL.set(JAVA_INT, m + Layouts.MBUF_PKT_LEN, ARP_LENGTH);
        return true;
    }

    /**
     * RFC 826: rewrites an Ethernet/IPv4 ARP request for 169.254.1.1 in frame {@code f} in place into the reply that
     * gives {@code gatewayMac}.
     *
     * @return the reply's length, or -1 when the frame is not such a request
     */
    static int answerArp(long f, int length, long gatewayMac) {
        if (length < ARP_LENGTH || u16(f + 12) != ETH_ARP || u16(f + 14) != 1 || u16(f + 16) != ETH_IPV4
                || u8(f + 18) != 6 || u8(f + 19) != 4 || u16(f + 20) != 1 || ALL.get(U32_BE, f + 38) != GATEWAY4) {
            return -1;
        }
        long requesterMac = mac(f + 22);
        int requesterIp = ALL.get(U32_BE, f + 28);
        setMac(f, requesterMac);
        setMac(f + 6, gatewayMac);
        ALL.set(U16_BE, f + 20, (short) 2);
        setMac(f + 22, gatewayMac);
        ALL.set(U32_BE, f + 28, GATEWAY4);
        setMac(f + 32, requesterMac);
        ALL.set(U32_BE, f + 38, requesterIp);
        return ARP_LENGTH;
    }

    private void reply(short port, long m) {
        single.set(JAVA_LONG, 0, m);
        if (RteEthDev.txBurst(port, QUEUE, single, (short) 1) == 0) {
            drop(m);
        }
    }

    /**
     * Parses the IPv4 or IPv6 header of frame {@code f} into the packet fields. IPv6 extension headers are not walked
     * (as provider-ebpf): the first next-header value stands as the protocol, so a fragment is protocol 44 without ports.
     *
     * @return false when the header is malformed (bad version, header or total length, an IPv4-mapped IPv6 address)
     */
    private boolean parse(long f, int length, boolean ipv6) {
        v6 = ipv6;
        if (ipv6) {
            int payload = u16(f + 18);
            if (length < 54 || (u8(f + 14) >>> 4) != 6 || 54 + payload > length) {
                return false;
            }
            srcHigh = ALL.get(U64_BE, f + 22);
            srcLow = ALL.get(U64_BE, f + 30);
            dstHigh = ALL.get(U64_BE, f + 38);
            dstLow = ALL.get(U64_BE, f + 46);
            if (FlowTable.isV4(srcHigh, srcLow) || FlowTable.isV4(dstHigh, dstLow)) {
                return false; // IPv4-mapped addresses never appear on the wire (RFC 4291 2.5.5.2); here they would pass as IPv4
            }
            protocol = u8(f + 20);
            hopLimitAt = f + 21;
            l4 = f + 54;
            l4Length = payload;
            firstFragment = true;
            return true;
        }
        int versionIhl = u8(f + 14);
        int ihl = (versionIhl & 0xf) * 4;
        int totalLength = u16(f + 16);
        if ((versionIhl >>> 4) != 4 || ihl < 20 || totalLength < ihl || 14 + totalLength > length) {
            return false;
        }
        srcHigh = FlowTable.V4_HIGH;
        srcLow = FlowTable.v4(ALL.get(U32_BE, f + 26));
        dstHigh = FlowTable.V4_HIGH;
        dstLow = FlowTable.v4(ALL.get(U32_BE, f + 30));
        protocol = u8(f + 23);
        hopLimitAt = f + 22;
        l4 = f + 14 + ihl;
        l4Length = totalLength - ihl;
        firstFragment = (u16(f + 20) & 0x1fff) == 0;
        return true;
    }

    /** IPv6 destinations that stay on the link (link-local fe80::/10, multicast ff00::/8): never routed. */
    private static boolean linkScoped(long high) {
        return (high >>> 56) == 0xff || (high >>> 54) == (0xfe80L >>> 6);
    }

    /** Routes one frame outside a burst (tests): single LPM lookups, the sender's tx counters added at once. */
    void route(ForwardingTable t, long m, int source, boolean uplink, long own) {
        int length = dataLength(m);
        long f = frame(m);
        route(t, m, f, length, length < 14 ? 0 : u16(f + 12), -1, source, uplink, own);
        countSent(source);
    }

    /**
     * Routes frame {@code f} ({@code length} bytes, {@code etherType}) of mbuf {@code m}, entry {@code k} of the burst
     * whose IPv4 destinations {@link #lookUpDestinations} looked up (-1: none).
     */
    private void route(ForwardingTable t, long m, long f, int length, int etherType, int k, int source, boolean uplink, long own) {
        if (length < 34 || mac(f + 6) == own || mac(f) != own || (etherType != ETH_IPV4 && etherType != ETH_IPV6)) {
            ignore(m);
            return;
        }
        boolean valid = parse(f, length, etherType == ETH_IPV6);
        if (valid && v6 && linkScoped(dstHigh)) {
            ignore(m); // the link's own traffic (ND, MLD, pings to fe80::1): not forwarded, not counted
            return;
        }
        int packetLength = ALL.get(JAVA_INT, m + Layouts.MBUF_PKT_LEN);
        if (!uplink) {
            txPackets++;
            txBytes += packetLength;
        }
        int charge = uplink ? counters.unattributed() : source;
        if (!valid) {
            drop(m, charge, INVALID);
            return;
        }
        // anti-spoofing, before anything else: the endpoint's own addresses and prefixes routed to it
        if (!uplink && !t.sources.allows(source, srcHigh, srcLow)) {
            drop(m, source, INVALID);
            return;
        }
        // --- connection tracking and policy (new flows: egress at the sender) ---
        int sport = 0;
        int dport = 0;
        int tcpFlags = 0;
        int kind = TRACKABLE;
        if (protocol == (v6 ? ICMPV6 : ICMP)) {
            int type = firstFragment && l4Length >= 8 ? u8(l4) : -1;
            kind = icmpKind(v6, type);
            if (kind == ECHO_REQUEST || kind == ECHO_REPLY) {
                sport = u16(l4 + 4);
                dport = sport;
            }
        } else if (firstFragment && (protocol == TCP || protocol == UDP || protocol == SCTP) && l4Length >= 4) {
            sport = u16(l4);
            dport = u16(l4 + 2);
            if (protocol == TCP && l4Length >= 14) {
                tcpFlags = u8(l4 + 13);
            }
        }
        CompiledPolicy policy = t.policy;
        int policyPort = protocol == TCP || protocol == UDP || protocol == SCTP ? dport : 0;
        int flow = -1;
        boolean fromOpener = true;
        boolean tracked = false;
        boolean low = FlowTable.sourceIsLow(srcHigh, srcLow, sport, dstHigh, dstLow, dport);
        if (kind == ICMP_ERROR) {
            tracked = related(t);
        } else if (kind != ICMP_OTHER) {
            flow = low ? flows.find(srcHigh, srcLow, dstHigh, dstLow, FlowTable.key1(protocol, sport, dport), now)
                    : flows.find(dstHigh, dstLow, srcHigh, srcLow, FlowTable.key1(protocol, dport, sport), now);
            if (flow >= 0) {
                fromOpener = low == flows.openerLow(flow);
                byte state = flows.state(flow);
                if (protocol == TCP && fromOpener && (tcpFlags & 0x12) == 0x02
                        && (state == FlowTable.CLOSING || state == FlowTable.CLOSED)) {
                    flows.kill(flow); // a new SYN on a closing connection starts afresh
                    flow = -1;
                } else if (!stillAllowed(t, flow)) {
                    flows.kill(flow); // no grandfathering: evaluated as a new flow in its own direction
                    flow = -1;
                }
            }
            tracked = flow >= 0;
        }
        if (!tracked && !uplink) {
            int verdict = policy.evaluate(source, CompiledPolicy.EGRESS, dstHigh, dstLow, protocol, policyPort);
            if (denied(policy, verdict)) {
                drop(m, source, verdict == CompiledPolicy.DEFAULT_DENY ? POLICY_DEFAULT_DENY : POLICY_DENIED);
                return;
            }
        }
        int group = v6 ? t.lpm6.lookup(dstHigh, dstLow) : lookup4(t, (int) dstLow, k);
        if (group < 0) {
            drop(m, charge, NO_ROUTE);
            return;
        }
        int members = t.groupLength[group];
        int slot = t.groupStart[group];
        if (members > 1) {
            int ports = firstFragment && (protocol == TCP || protocol == UDP) && l4Length >= 4 ? ALL.get(U32_BE, l4) : 0;
            slot += (int) ((flowHash(srcHigh, srcLow, dstHigh, dstLow, protocol, ports) >>> 1) % members);
        }
        int member = t.slots[slot];
        byte hop = t.memberKind[member];
        if (uplink && t.memberEndpoint[member] >= 0) {
            charge = t.memberEndpoint[member];
        }
        if (hop == ForwardingTable.DROP) {
            drop(m, charge, NO_ROUTE);
            return;
        }
        if (hop == ForwardingTable.GATEWAY && uplink) {
            // never hairpin uplink traffic back to the uplink (e.g. the node's own traffic under a default route)
            ignore(m);
            return;
        }
        int ttl = u8(hopLimitAt);
        if (ttl <= 1) {
            drop(m, charge, TTL_EXCEEDED);
            return;
        }
        int receiver = hop == ForwardingTable.ENDPOINT ? t.memberEndpoint[member] : -1;
        if (!tracked && receiver >= 0) {
            // new flow delivered to a local endpoint: ingress at the receiver, the source address as peer
            int verdict = policy.evaluate(receiver, CompiledPolicy.INGRESS, srcHigh, srcLow, protocol, policyPort);
            if (denied(policy, verdict)) {
                drop(m, receiver, verdict == CompiledPolicy.DEFAULT_DENY ? POLICY_DEFAULT_DENY : POLICY_DENIED);
                return;
            }
        }
        if (tracked) {
            if (flow >= 0) {
                flows.seen(flow, now, fromOpener, tcpFlags);
            }
        } else if (kind == TRACKABLE || kind == ECHO_REQUEST) {
            byte state = protocol == TCP ? FlowTable.openingState(tcpFlags) : FlowTable.NOT_TCP;
            if (state >= 0) {
                if (low) {
                    flows.insert(srcHigh, srcLow, dstHigh, dstLow, FlowTable.key1(protocol, sport, dport), now, t.revision,
                            state, true, uplink ? -1 : source, receiver);
                } else {
                    flows.insert(dstHigh, dstLow, srcHigh, srcLow, FlowTable.key1(protocol, dport, sport), now, t.revision,
                            state, false, uplink ? -1 : source, receiver);
                }
            }
        }
        if (v6) {
            ALL.set(JAVA_BYTE, hopLimitAt, (byte) (ttl - 1)); // IPv6 has no header checksum
        } else {
            decrementTtl(f + 14, ttl, protocol);
        }
        if (uplink && firstFragment) {
            // Frames from the uplink may carry CHECKSUM_PARTIAL (the sender's veth offloads it); AF_PACKET hands us the
            // bytes without the checksum, and the workload would drop them. Finish it in software.
            if (v6) {
                completeL4Checksum6(f + 14, l4, l4Length, protocol);
            } else {
                completeL4Checksum(f + 14, l4, l4Length, protocol);
            }
        }
        long dstMac = t.memberDstMac[member];
        long srcMac = hop == ForwardingTable.ENDPOINT ? t.gatewayMac : t.memberSrcMac[member];
        ALL.set(U16_BE, f, (short) (dstMac >>> 32));
        ALL.set(U32_BE, f + 2, (int) dstMac);
        ALL.set(U16_BE, f + 6, (short) (srcMac >>> 32));
        ALL.set(U32_BE, f + 8, (int) srcMac);
        int out = t.memberPort[member];
        int count = staged[out];
        if (count == 0) {
            touched[touchedCount++] = out;
        }
        ALL.set(JAVA_LONG, stageAddress + 8L * ((long) out * BURST + count), m);
        staged[out] = count + 1;
        stagedBytes[out] += packetLength;
    }

    private static int icmpKind(boolean ipv6, int type) {
        if (ipv6) {
            return type == 128 ? ECHO_REQUEST : type == 129 ? ECHO_REPLY : type >= 1 && type <= 4 ? ICMP_ERROR : ICMP_OTHER;
        }
        return type == 8 ? ECHO_REQUEST : type == 0 ? ECHO_REPLY
                : type == 3 || type == 4 || type == 5 || type == 11 || type == 12 ? ICMP_ERROR : ICMP_OTHER;
    }

    /** The ECMP group of the longest prefix containing the destination, or -1. */
    private int lookup(ForwardingTable t, long high, long low) {
        if (!FlowTable.isV4(high, low)) {
            return t.lpm6.lookup(high, low);
        }
        return lookup4(t, (int) low, -1);
    }

    /** As {@link #lookup} for IPv4 {@code ip}: the burst's bulk result when entry {@code k} looked up that address. */
    private int lookup4(ForwardingTable t, int ip, int k) {
        if (!t.hasLpm) {
            return -1;
        }
        if (k >= 0 && lpmLookedUp && ALL.get(JAVA_INT, lpmIpsAddress + 4L * k) == ip) {
            int result = ALL.get(JAVA_INT, lpmHopsAddress + 4L * k);
            return (result & Layouts.LPM_LOOKUP_SUCCESS) != 0 ? result & 0xff_ffff : -1;
        }
        return RteLpm.lookup(t.lpm, ip, nextHop) != 0 ? -1 : nextHop.get(JAVA_INT, 0);
    }

    /** Counts the deciding rule; true when the verdict drops the packet. */
    private boolean denied(CompiledPolicy policy, int verdict) {
        if (verdict >= 0) {
            ruleCounters.increment(policy.counter(verdict));
            return policy.deny(verdict);
        }
        return verdict == CompiledPolicy.DEFAULT_DENY;
    }

    /** Whether a policy check without counting lets the packet through. */
    private static boolean allows(CompiledPolicy policy, int verdict) {
        return verdict == CompiledPolicy.DEFAULT_ALLOW || (verdict >= 0 && !policy.deny(verdict));
    }

    /**
     * A flow opened under another policy revision is re-checked as a new flow (egress at its opener, ingress at its
     * receiver, no rule counted); when still allowed it takes the current revision.
     */
    private boolean stillAllowed(ForwardingTable t, int flow) {
        if (flows.revision(flow) == t.revision) {
            return true;
        }
        long k1 = flows.key1(flow);
        boolean openerLow = flows.openerLow(flow);
        long openerHigh = openerLow ? flows.aHigh(flow) : flows.bHigh(flow);
        long openerLowBits = openerLow ? flows.aLow(flow) : flows.bLow(flow);
        long receiverHigh = openerLow ? flows.bHigh(flow) : flows.aHigh(flow);
        long receiverLowBits = openerLow ? flows.bLow(flow) : flows.aLow(flow);
        int proto = (int) (k1 >>> 32);
        int lowPort = (int) (k1 >>> 16) & 0xffff;
        int highPort = (int) k1 & 0xffff;
        int port = proto == TCP || proto == UDP || proto == SCTP ? (openerLow ? highPort : lowPort) : 0;
        CompiledPolicy policy = t.policy;
        int opener = flows.opener(flow);
        if (opener >= 0 && !allows(policy, policy.evaluate(opener, CompiledPolicy.EGRESS, receiverHigh, receiverLowBits, proto,
                port))) {
            return false;
        }
        // the receiver as routing decides it now (a route change may have moved the destination to another endpoint)
        int receiver = receiverOf(t, openerHigh, openerLowBits, receiverHigh, receiverLowBits, proto,
                proto == TCP || proto == UDP ? (openerLow ? lowPort << 16 | highPort : highPort << 16 | lowPort) : 0);
        if (receiver >= 0 && !allows(policy, policy.evaluate(receiver, CompiledPolicy.INGRESS, openerHigh, openerLowBits, proto,
                port))) {
            return false;
        }
        flows.revision(flow, t.revision);
        return true;
    }

    /** The endpoint slot the opening direction of a flow is delivered to under table {@code t}, or -1. */
    private int receiverOf(ForwardingTable t, long sourceHigh, long sourceLow, long destinationHigh, long destinationLow,
                           int proto, int ports) {
        int group = lookup(t, destinationHigh, destinationLow);
        if (group < 0) {
            return -1;
        }
        int members = t.groupLength[group];
        int slot = t.groupStart[group];
        if (members > 1) {
            slot += (int) ((flowHash(sourceHigh, sourceLow, destinationHigh, destinationLow, proto, ports) >>> 1) % members);
        }
        int member = t.slots[slot];
        return t.memberKind[member] == ForwardingTable.ENDPOINT ? t.memberEndpoint[member] : -1;
    }

    /**
     * The ICMP (v4 or v6) error in the packet fields is sent to the sender of the packet it quotes, whose flow is live
     * and still allowed.
     */
    private boolean related(ForwardingTable t) {
        long inner = l4 + 8;
        int innerHeader;
        int innerProtocol;
        long sourceHigh;
        long sourceLow;
        long targetHigh;
        long targetLow;
        if (v6) {
            if (l4Length < 8 + 40 + 8 || (u8(inner) >>> 4) != 6) {
                return false;
            }
            innerHeader = 40;
            innerProtocol = u8(inner + 6);
            sourceHigh = ALL.get(U64_BE, inner + 8);
            sourceLow = ALL.get(U64_BE, inner + 16);
            targetHigh = ALL.get(U64_BE, inner + 24);
            targetLow = ALL.get(U64_BE, inner + 32);
        } else {
            if (l4Length < 8 + 20) {
                return false;
            }
            innerHeader = (u8(inner) & 0xf) * 4;
            if (innerHeader < 20 || l4Length < 8 + innerHeader + 8) {
                return false;
            }
            innerProtocol = u8(inner + 9);
            sourceHigh = FlowTable.V4_HIGH;
            sourceLow = FlowTable.v4(ALL.get(U32_BE, inner + 12));
            targetHigh = FlowTable.V4_HIGH;
            targetLow = FlowTable.v4(ALL.get(U32_BE, inner + 16));
        }
        if (sourceHigh != dstHigh || sourceLow != dstLow) {
            return false;
        }
        long l4Inner = inner + innerHeader;
        int sport = 0;
        int dport = 0;
        if (innerProtocol == TCP || innerProtocol == UDP || innerProtocol == SCTP) {
            sport = u16(l4Inner);
            dport = u16(l4Inner + 2);
        } else if (innerProtocol == (v6 ? ICMPV6 : ICMP)) {
            if (u8(l4Inner) != (v6 ? 128 : 8)) {
                return false;
            }
            sport = u16(l4Inner + 4);
            dport = sport;
        }
        boolean low = FlowTable.sourceIsLow(sourceHigh, sourceLow, sport, targetHigh, targetLow, dport);
        int flow = low ? flows.find(sourceHigh, sourceLow, targetHigh, targetLow, FlowTable.key1(innerProtocol, sport, dport), now)
                : flows.find(targetHigh, targetLow, sourceHigh, sourceLow, FlowTable.key1(innerProtocol, dport, sport), now);
        if (flow < 0) {
            return false;
        }
        if (!stillAllowed(t, flow)) {
            flows.kill(flow);
            return false;
        }
        return true;
    }

    private void flush(ForwardingTable t) {
        for (int i = 0; i < touchedCount; i++) {
            int port = touched[i];
            int count = staged[port];
            staged[port] = 0;
            // Counted before the tx burst: once sent, the workload may see the packet (and a test read the counters)
            // before this thread gets back from tx; what tx refuses is taken off again below.
            long bytes = stagedBytes[port];
            stagedBytes[port] = 0;
            int slot = t.endpointOfPort[port];
            if (slot >= 0) {
                counters.add(slot, EndpointCounters.RX_PACKETS, count);
                counters.add(slot, EndpointCounters.RX_BYTES, bytes);
            }
            int sent = RteEthDev.txBurst((short) port, QUEUE, stageTails[port * (BURST + 1)], (short) count);
            if (sent < count) {
                if (slot >= 0) {
                    counters.add(slot, EndpointCounters.RX_PACKETS, sent - count);
                    counters.add(slot, EndpointCounters.RX_BYTES, -bytesOfStaged(port, sent, count));
                }
                RteMbuf.freeBulk(stageTails[port * (BURST + 1) + sent], count - sent);
                counters.add(slot >= 0 ? slot : counters.unattributed(), OTHER, count - sent);
            }
        }
        touchedCount = 0;
        if (dropCount > 0) {
            RteMbuf.freeBulk(drops, dropCount);
            dropCount = 0;
        }
    }

    private long bytesOfStaged(int port, int from, int to) {
        long bytes = 0;
        for (int k = from; k < to; k++) {
            bytes += ALL.get(JAVA_INT, ALL.get(JAVA_LONG, stageAddress + 8L * ((long) port * BURST + k)) + Layouts.MBUF_PKT_LEN);
        }
        return bytes;
    }

    private void drop(long m, int slot, int column) {
        counters.add(slot, column, 1);
        drop(m);
    }

    private void ignore(long m) {
        ignored.lazySet(ignored.get() + 1);
        drop(m);
    }

    /** Frames dropped this burst and not yet freed (tests). */
    int pendingDrops() {
        return dropCount;
    }

    /** Forgets staged and dropped frames without sending or freeing them (tests with fake mbufs). */
    void forgetPending() {
        for (int i = 0; i < touchedCount; i++) {
            staged[touched[i]] = 0;
            stagedBytes[touched[i]] = 0;
        }
        touchedCount = 0;
        dropCount = 0;
    }

    /** Frames staged for output port {@code port} and not yet sent (tests). */
    int pendingTx(int port) {
        return staged[port];
    }

    private void drop(long m) {
        drops.setAtIndex(JAVA_LONG, dropCount++, m);
    }

    /** RFC 1624 incremental update of the header checksum for the TTL/protocol word. */
    static void decrementTtl(long ip, int ttl, int protocol) {
        int oldWord = (ttl << 8) | protocol;
        int newWord = ((ttl - 1) << 8) | protocol;
        ALL.set(JAVA_BYTE, ip + 8, (byte) (ttl - 1));
        int sum = (~u16(ip + 10) & 0xffff) + (~oldWord & 0xffff) + newWord;
        sum = (sum & 0xffff) + (sum >>> 16);
        sum = (sum & 0xffff) + (sum >>> 16);
        ALL.set(U16_BE, ip + 10, (short) ~sum);
    }

    static void completeL4Checksum(long ip, long l4, int l4Length, int protocol) {
        int field = protocol == TCP ? 16 : protocol == UDP ? 6 : -1;
        if (field < 0 || l4Length < field + 2 || (protocol == UDP && u16(l4 + 6) == 0)) {
            return;
        }
        ALL.set(U16_BE, l4 + field, (short) 0);
        long pseudo = u16(ip + 12) + u16(ip + 14) + u16(ip + 16) + u16(ip + 18) + protocol + l4Length;
        int checksum = onesComplement(pseudo, l4, l4Length);
        if (checksum == 0 && protocol == UDP) {
            checksum = 0xffff;
        }
        ALL.set(U16_BE, l4 + field, (short) checksum);
    }

    /**
     * RFC 4443/4861: rewrites the Neighbour Solicitation for fe80::1 in frame {@code f} ({@code length} bytes) in place
     * into the solicited Neighbour Advertisement from fe80::1 with {@code gatewayMac} (router, solicited, override flags
     * and a target link-layer address option), with its ICMPv6 checksum.
     *
     * @return the new frame length, or -1 when the frame is not such a solicitation (or is a DAD probe from ::)
     */
    static int answerSolicitation(long f, int length, long gatewayMac) {
        if (length < 14 + 40 + 24 || u16(f + 12) != ETH_IPV6 || (u8(f + 14) >>> 4) != 6 || u8(f + 20) != ICMPV6
                || u8(f + 21) != 255 || u8(f + 54) != 135 || u8(f + 55) != 0) {
            return -1;
        }
        int payload = u16(f + 18);
        if (payload < 24 || 54 + payload > length || ALL.get(U64_BE, f + 62) != GATEWAY6_HIGH
                || ALL.get(U64_BE, f + 70) != GATEWAY6_LOW) {
            return -1;
        }
        long requesterHigh = ALL.get(U64_BE, f + 22);
        long requesterLow = ALL.get(U64_BE, f + 30);
        if (requesterHigh == 0 && requesterLow == 0) {
            return -1;
        }
        long requesterMac = mac(f + 6);
        setMac(f, requesterMac);
        setMac(f + 6, gatewayMac);
        ALL.set(U32_BE, f + 14, 0x6000_0000);
        ALL.set(U16_BE, f + 18, (short) (NA_LENGTH - 54));
        ALL.set(JAVA_BYTE, f + 20, (byte) ICMPV6);
        ALL.set(JAVA_BYTE, f + 21, (byte) 255);
        ALL.set(U64_BE, f + 22, GATEWAY6_HIGH);
        ALL.set(U64_BE, f + 30, GATEWAY6_LOW);
        ALL.set(U64_BE, f + 38, requesterHigh);
        ALL.set(U64_BE, f + 46, requesterLow);
        ALL.set(JAVA_BYTE, f + 54, (byte) 136);
        ALL.set(JAVA_BYTE, f + 55, (byte) 0);
        ALL.set(U32_BE, f + 58, 0xe000_0000); // router, solicited, override; the target (fe80::1) stays at f + 62
        ALL.set(JAVA_BYTE, f + 78, (byte) 2); // target link-layer address, 1 unit of 8 bytes
        ALL.set(JAVA_BYTE, f + 79, (byte) 1);
        setMac(f + 80, gatewayMac);
        ALL.set(U16_BE, f + 56, (short) 0);
        ALL.set(U16_BE, f + 56, (short) l4Checksum6(f + 14, f + 54, NA_LENGTH - 54, ICMPV6));
        return NA_LENGTH;
    }

    /** The IPv6 upper-layer checksum (RFC 8200 8.1 pseudo-header) of {@code l4} with its checksum field zeroed. */
    static int l4Checksum6(long ip, long l4, int l4Length, int protocol) {
        long pseudo = (l4Length >>> 16) + (l4Length & 0xffff) + protocol;
        for (int i = 0; i < 16; i++) {
            pseudo += u16(ip + 8 + 2L * i);
        }
        return onesComplement(pseudo, l4, l4Length);
    }

    /** RFC 1071: the one's complement of the one's complement sum of {@code pseudo} and the 16-bit words at {@code l4}. */
    private static int onesComplement(long pseudo, long l4, int l4Length) {
        long sum = pseudo;
        int words = l4Length >>> 1;
        for (int i = 0; i < words; i++) {
            sum += u16(l4 + 2L * i);
        }
        if ((l4Length & 1) != 0) {
            sum += u8(l4 + l4Length - 1) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) ~sum & 0xffff;
    }

    /** As {@link #completeL4Checksum} for TCP/UDP over IPv6. */
    static void completeL4Checksum6(long ip, long l4, int l4Length, int protocol) {
        int field = protocol == TCP ? 16 : protocol == UDP ? 6 : -1;
        if (field < 0 || l4Length < field + 2 || (protocol == UDP && u16(l4 + 6) == 0)) {
            return;
        }
        ALL.set(U16_BE, l4 + field, (short) 0);
        int checksum = l4Checksum6(ip, l4, l4Length, protocol);
        ALL.set(U16_BE, l4 + field, (short) (checksum == 0 && protocol == UDP ? 0xffff : checksum));
    }

    /** The ECMP hash of a 5-tuple of either family (IPv4-mapped addresses hash as {@link #hash} of the IPv4 values). */
    static long flowHash(long srcHigh, long srcLow, long dstHigh, long dstLow, int protocol, int ports) {
        if (FlowTable.isV4(srcHigh, srcLow)) {
            return hash((int) srcLow, (int) dstLow, protocol, ports);
        }
        return hash(fold(srcHigh, srcLow), fold(dstHigh, dstLow), protocol, ports);
    }

    private static int fold(long high, long low) {
        long x = high * 0x9E3779B97F4A7C15L ^ low;
        return (int) (x ^ (x >>> 32));
    }

    /** A 64-bit mix of the 5-tuple: the same flow always gets the same member. */
    static long hash(int source, int destination, int protocol, int ports) {
        long h = (source & 0xffffffffL) * 0x9E3779B97F4A7C15L ^ (destination & 0xffffffffL);
        h = (h ^ ((long) protocol << 32 | (ports & 0xffffffffL))) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }

    private static void setMac(long at, long mac) {
        ALL.set(U16_BE, at, (short) (mac >>> 32));
        ALL.set(U32_BE, at + 2, (int) mac);
    }

    private static long mac(long at) {
        return ((long) u16(at) << 32) | (ALL.get(U32_BE, at + 2) & 0xffffffffL);
    }

    private static int u16(long at) {
        return Short.toUnsignedInt(ALL.get(U16_BE, at));
    }

    private static int u8(long at) {
        return Byte.toUnsignedInt(ALL.get(JAVA_BYTE, at));
    }
}
