package dev.uniplane.provider.dpdk.internal.fastpath;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.LcoreJob;
import dev.uniplane.provider.dpdk.internal.ffm.Layouts;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import dev.uniplane.provider.dpdk.internal.ffm.RteLpm;
import dev.uniplane.provider.dpdk.internal.ffm.RteMbuf;
import dev.uniplane.provider.dpdk.internal.policy.CompiledPolicy;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The IPv4 router on the EAL lcore. Each round it reads the current {@link ForwardingTable} once (a volatile load),
 * polls every port of it (rx burst of {@link #BURST}), and per frame: checks it is addressed to the port's own MAC and
 * is IPv4 (anything else, and our own output that the packet socket sees again, is freed without counting), looks the
 * destination up in the LPM, picks an ECMP member by a 5-tuple hash, decrements the TTL (incremental checksum), rewrites
 * both MACs and stages it for the output port; then one tx burst per output port. Drops are counted by reason on the
 * endpoint that sent the packet (or, for uplink traffic, the endpoint it was for). Nothing is allocated per packet.
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
    private static final int ETH_IPV4 = 0x0800;
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
    private final MemorySegment stage;
    private final MemorySegment[] stageTails;
    private final int[] staged = new int[Layouts.MAX_ETHPORTS];
    private final int[] touched = new int[Layouts.MAX_ETHPORTS];
    private int touchedCount;
    private final MemorySegment drops;
    private int dropCount;
    private final MemorySegment nextHop;
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong sleeps = new AtomicLong();
    private volatile ForwardingTable table;
    private volatile long epoch;
    private volatile boolean stopRequested;
    private CompletableFuture<Void> done;

    private Router(EndpointCounters counters, RuleCounters ruleCounters, FlowTable flows, ForwardingTable initial) {
        this.counters = counters;
        this.ruleCounters = ruleCounters;
        this.flows = flows;
        this.table = initial;
        Arena arena = Arena.ofAuto();
        this.burst = arena.allocate(ADDRESS, BURST);
        this.stage = arena.allocate(ADDRESS.byteSize() * BURST * Layouts.MAX_ETHPORTS, 64);
        this.stageTails = new MemorySegment[Layouts.MAX_ETHPORTS * (BURST + 1)];
        for (int p = 0; p < Layouts.MAX_ETHPORTS; p++) {
            for (int i = 0; i <= BURST; i++) {
                stageTails[p * (BURST + 1) + i] = stage.asSlice((p * BURST + Math.min(i, BURST - 1)) * ADDRESS.byteSize());
            }
        }
        this.drops = arena.allocate(ADDRESS, BURST);
        this.nextHop = arena.allocate(JAVA_INT);
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
        requestStop();
        try {
            done.get(Eal.STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the router did not stop within " + Eal.STOP_TIMEOUT, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the router failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the router", e);
        }
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
        for (int k = 0; k < n; k++) {
            route(t, burst.getAtIndex(JAVA_LONG, k), source, uplink, own);
        }
        flush(t);
        return n;
    }

    private void route(ForwardingTable t, long m, int source, boolean uplink, long own) {
        int length = Short.toUnsignedInt(ALL.get(JAVA_SHORT, m + Layouts.MBUF_DATA_LEN));
        long f = ALL.get(JAVA_LONG, m + Layouts.MBUF_BUF_ADDR) + Short.toUnsignedInt(ALL.get(JAVA_SHORT, m + Layouts.MBUF_DATA_OFF));
        if (length < 34 || mac(f + 6) == own || mac(f) != own || u16(f + 12) != ETH_IPV4) {
            ignored.lazySet(ignored.get() + 1);
            drop(m);
            return;
        }
        int packetLength = ALL.get(JAVA_INT, m + Layouts.MBUF_PKT_LEN);
        if (!uplink) {
            counters.add(source, EndpointCounters.TX_PACKETS, 1);
            counters.add(source, EndpointCounters.TX_BYTES, packetLength);
        }
        int charge = uplink ? counters.unattributed() : source;
        int versionIhl = u8(f + 14);
        int ihl = (versionIhl & 0xf) * 4;
        int totalLength = u16(f + 16);
        if ((versionIhl >>> 4) != 4 || ihl < 20 || totalLength < ihl || 14 + totalLength > length) {
            drop(m, charge, INVALID);
            return;
        }
        int destination = ALL.get(U32_BE, f + 30);
        int origin = ALL.get(U32_BE, f + 26);
        int protocol = u8(f + 23);
        long l4 = f + 14 + ihl;
        int l4Length = totalLength - ihl;
        boolean firstFragment = (u16(f + 20) & 0x1fff) == 0;
        // --- connection tracking and policy (new flows: egress at the sender) ---
        int sport = 0;
        int dport = 0;
        int tcpFlags = 0;
        int kind = TRACKABLE;
        if (protocol == ICMP) {
            int type = firstFragment && l4Length >= 8 ? u8(l4) : -1;
            kind = type == 8 ? ECHO_REQUEST : type == 0 ? ECHO_REPLY
                    : type == 3 || type == 4 || type == 5 || type == 11 || type == 12 ? ICMP_ERROR : ICMP_OTHER;
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
        if (kind == ICMP_ERROR) {
            tracked = related(t, l4, l4Length, destination);
        } else if (kind != ICMP_OTHER) {
            boolean low = FlowTable.sourceIsLow(origin, sport, destination, dport);
            long k0 = low ? FlowTable.key0(origin, destination) : FlowTable.key0(destination, origin);
            long k1 = low ? FlowTable.key1(protocol, sport, dport) : FlowTable.key1(protocol, dport, sport);
            flow = flows.find(k0, k1, now);
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
            int verdict = policy.evaluate(source, CompiledPolicy.EGRESS, destination, protocol, policyPort);
            if (denied(policy, verdict)) {
                drop(m, source, verdict == CompiledPolicy.DEFAULT_DENY ? POLICY_DEFAULT_DENY : POLICY_DENIED);
                return;
            }
        }
        if (t.lpm.equals(MemorySegment.NULL) || RteLpm.lookup(t.lpm, destination, nextHop) != 0) {
            drop(m, charge, NO_ROUTE);
            return;
        }
        int group = nextHop.get(JAVA_INT, 0);
        int members = t.groupLength[group];
        int slot = t.groupStart[group];
        if (members > 1) {
            int ports = firstFragment && (protocol == TCP || protocol == UDP) && totalLength - ihl >= 4 ? ALL.get(U32_BE, l4) : 0;
            slot += (int) ((hash(ALL.get(U32_BE, f + 26), destination, protocol, ports) >>> 1) % members);
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
            ignored.lazySet(ignored.get() + 1);
            drop(m);
            return;
        }
        int ttl = u8(f + 22);
        if (ttl <= 1) {
            drop(m, charge, TTL_EXCEEDED);
            return;
        }
        int receiver = hop == ForwardingTable.ENDPOINT ? t.memberEndpoint[member] : -1;
        if (!tracked && receiver >= 0) {
            // new flow delivered to a local endpoint: ingress at the receiver, the source address as peer
            int verdict = policy.evaluate(receiver, CompiledPolicy.INGRESS, origin, protocol, policyPort);
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
                boolean low = FlowTable.sourceIsLow(origin, sport, destination, dport);
                flows.insert(low ? FlowTable.key0(origin, destination) : FlowTable.key0(destination, origin),
                        low ? FlowTable.key1(protocol, sport, dport) : FlowTable.key1(protocol, dport, sport), now, t.revision,
                        state, low, uplink ? -1 : source, receiver);
            }
        }
        decrementTtl(f + 14, ttl, protocol);
        if (uplink && firstFragment) {
            // Frames from the uplink may carry CHECKSUM_PARTIAL (the sender's veth offloads it); AF_PACKET hands us the
            // bytes without the checksum, and the workload would drop them. Finish it in software.
            completeL4Checksum(f + 14, l4, totalLength - ihl, protocol);
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
        stage.setAtIndex(JAVA_LONG, (long) out * BURST + count, m);
        staged[out] = count + 1;
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
        long k0 = flows.key0(flow);
        long k1 = flows.key1(flow);
        boolean openerLow = flows.openerLow(flow);
        int low = (int) (k0 >>> 32);
        int high = (int) k0;
        int protocol = (int) (k1 >>> 32);
        int lowPort = (int) (k1 >>> 16) & 0xffff;
        int highPort = (int) k1 & 0xffff;
        int openerAddress = openerLow ? low : high;
        int receiverAddress = openerLow ? high : low;
        int port = protocol == TCP || protocol == UDP || protocol == SCTP ? (openerLow ? highPort : lowPort) : 0;
        CompiledPolicy policy = t.policy;
        int opener = flows.opener(flow);
        if (opener >= 0 && !allows(policy, policy.evaluate(opener, CompiledPolicy.EGRESS, receiverAddress, protocol, port))) {
            return false;
        }
        // the receiver as routing decides it now (a route change may have moved the destination to another endpoint)
        int receiver = receiverOf(t, openerAddress, receiverAddress, protocol,
                protocol == TCP || protocol == UDP ? (openerLow ? lowPort << 16 | highPort : highPort << 16 | lowPort) : 0);
        if (receiver >= 0 && !allows(policy, policy.evaluate(receiver, CompiledPolicy.INGRESS, openerAddress, protocol, port))) {
            return false;
        }
        flows.revision(flow, t.revision);
        return true;
    }

    /** The endpoint slot the opening direction of a flow is delivered to under table {@code t}, or -1. */
    private int receiverOf(ForwardingTable t, int source, int destination, int protocol, int ports) {
        if (t.lpm.equals(MemorySegment.NULL) || RteLpm.lookup(t.lpm, destination, nextHop) != 0) {
            return -1;
        }
        int group = nextHop.get(JAVA_INT, 0);
        int members = t.groupLength[group];
        int slot = t.groupStart[group];
        if (members > 1) {
            slot += (int) ((hash(source, destination, protocol, ports) >>> 1) % members);
        }
        int member = t.slots[slot];
        return t.memberKind[member] == ForwardingTable.ENDPOINT ? t.memberEndpoint[member] : -1;
    }

    /** An ICMP error sent to the sender of the packet it quotes, whose flow is live and still allowed. */
    private boolean related(ForwardingTable t, long l4, int l4Length, int destination) {
        if (l4Length < 8 + 20) {
            return false;
        }
        long inner = l4 + 8;
        int innerIhl = (u8(inner) & 0xf) * 4;
        if (innerIhl < 20 || l4Length < 8 + innerIhl + 8) {
            return false;
        }
        int protocol = u8(inner + 9);
        int source = ALL.get(U32_BE, inner + 12);
        int target = ALL.get(U32_BE, inner + 16);
        if (source != destination) {
            return false;
        }
        long l4Inner = inner + innerIhl;
        int sport = 0;
        int dport = 0;
        if (protocol == TCP || protocol == UDP || protocol == SCTP) {
            sport = u16(l4Inner);
            dport = u16(l4Inner + 2);
        } else if (protocol == ICMP) {
            if (u8(l4Inner) != 8) {
                return false;
            }
            sport = u16(l4Inner + 4);
            dport = sport;
        }
        boolean low = FlowTable.sourceIsLow(source, sport, target, dport);
        int flow = flows.find(low ? FlowTable.key0(source, target) : FlowTable.key0(target, source),
                low ? FlowTable.key1(protocol, sport, dport) : FlowTable.key1(protocol, dport, sport), now);
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
            int slot = t.endpointOfPort[port];
            if (slot >= 0) {
                counters.add(slot, EndpointCounters.RX_PACKETS, count);
                counters.add(slot, EndpointCounters.RX_BYTES, stagedBytes(port, 0, count));
            }
            int sent = RteEthDev.txBurst((short) port, QUEUE, stageTails[port * (BURST + 1)], (short) count);
            if (sent < count) {
                if (slot >= 0) {
                    counters.add(slot, EndpointCounters.RX_PACKETS, sent - count);
                    counters.add(slot, EndpointCounters.RX_BYTES, -stagedBytes(port, sent, count));
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

    private long stagedBytes(int port, int from, int to) {
        long bytes = 0;
        for (int k = from; k < to; k++) {
            bytes += ALL.get(JAVA_INT, stage.getAtIndex(JAVA_LONG, (long) port * BURST + k) + Layouts.MBUF_PKT_LEN);
        }
        return bytes;
    }

    private void drop(long m, int slot, int column) {
        counters.add(slot, column, 1);
        drop(m);
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
        long sum = u16(ip + 12) + u16(ip + 14) + u16(ip + 16) + u16(ip + 18) + protocol + l4Length;
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
        int checksum = (int) ~sum & 0xffff;
        if (checksum == 0 && protocol == UDP) {
            checksum = 0xffff;
        }
        ALL.set(U16_BE, l4 + field, (short) checksum);
    }

    /** A 64-bit mix of the 5-tuple: the same flow always gets the same member. */
    static long hash(int source, int destination, int protocol, int ports) {
        long h = (source & 0xffffffffL) * 0x9E3779B97F4A7C15L ^ (destination & 0xffffffffL);
        h = (h ^ ((long) protocol << 32 | (ports & 0xffffffffL))) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
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
