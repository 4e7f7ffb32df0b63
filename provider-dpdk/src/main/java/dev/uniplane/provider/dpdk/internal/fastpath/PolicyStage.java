package dev.uniplane.provider.dpdk.internal.fastpath;

import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ALL;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ICMP;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.ICMPV6;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.TCP;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U32_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.U64_BE;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.UDP;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.hasPorts;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u16;
import static dev.uniplane.provider.dpdk.internal.fastpath.Frames.u8;

import dev.uniplane.provider.dpdk.internal.program.CompiledPolicy;

/**
 * The router's policy stage: connection tracking ({@link FlowTable}) and the compiled policy. A packet of a live flow
 * that the current policy still allows passes without a policy lookup; an ICMP error passes when the flow it quotes
 * does; anything else is a new flow, checked at egress of its sender ({@link #admitEgress}, before routing) and at
 * ingress of a local receiver ({@link #admitIngress}, once routing named it), and tracked when admitted
 * ({@link #track}). The verdict of the packet in progress is kept in fields between those three calls (lcore only).
 */
final class PolicyStage {
    /** What {@link #admitEgress} and {@link #admitIngress} return for an admitted packet. */
    static final int ADMITTED = -1;
    private static final int POLICY_DENIED = EndpointCounters.DROPS;
    private static final int POLICY_DEFAULT_DENY = EndpointCounters.DROPS + 1;

    private final FlowTable flows;
    private final RuleCounters ruleCounters;
    private final RouteLookup routes;
    /** {@link #flow} of a packet that no live flow covers: a new flow. */
    private static final int UNTRACKED = -1;
    /** {@link #flow} of an ICMP error that a live flow covers: tracked, nothing to refresh. */
    private static final int RELATED = -2;
    // the packet in progress: its flow entry (or UNTRACKED, RELATED), and whether its sender opened that flow
    private int flow;
    private boolean fromOpener;

    PolicyStage(FlowTable flows, RuleCounters ruleCounters, RouteLookup routes) {
        this.flows = flows;
        this.ruleCounters = ruleCounters;
        this.routes = routes;
    }

    /**
     * Looks the parsed packet's flow up and, for a new flow from an endpoint ({@code uplink} false), checks egress at
     * {@code source}.
     *
     * @return {@link #ADMITTED}, or the drop column to count on {@code source}
     */
    int admitEgress(ForwardingTable t, FrameParser p, int source, boolean uplink, long now) {
        int tracked = UNTRACKED;
        if (p.kind == FrameParser.ICMP_ERROR) {
            tracked = related(t, p, now) ? RELATED : UNTRACKED;
        } else if (p.kind != FrameParser.ICMP_OTHER) {
            tracked = liveFlow(t, p, now);
        }
        flow = tracked;
        if (tracked == UNTRACKED && !uplink) {
            CompiledPolicy policy = t.policy;
            int verdict = policy.evaluate(source, CompiledPolicy.EGRESS, p.dstHigh, p.dstLow, p.protocol, policyPort(p));
            if (denied(policy, verdict)) {
                return verdict == CompiledPolicy.DEFAULT_DENY ? POLICY_DEFAULT_DENY : POLICY_DENIED;
            }
        }
        return ADMITTED;
    }

    /** The live flow of the packet that is still allowed (and {@link #fromOpener}), or {@link #UNTRACKED}. */
    private int liveFlow(ForwardingTable t, FrameParser p, long now) {
        boolean low = FlowTable.sourceIsLow(p.srcHigh, p.srcLow, p.sport, p.dstHigh, p.dstLow, p.dport);
        int found = low ? flows.find(p.srcHigh, p.srcLow, p.dstHigh, p.dstLow, FlowTable.key1(p.protocol, p.sport, p.dport), now)
                : flows.find(p.dstHigh, p.dstLow, p.srcHigh, p.srcLow, FlowTable.key1(p.protocol, p.dport, p.sport), now);
        if (found < 0) {
            return UNTRACKED;
        }
        boolean opener = low == flows.openerLow(found);
        byte state = flows.state(found);
        if (p.protocol == TCP && opener && (p.tcpFlags & 0x12) == 0x02
                && (state == FlowTable.CLOSING || state == FlowTable.CLOSED)) {
            flows.kill(found); // a new SYN on a closing connection starts afresh
            return UNTRACKED;
        }
        if (!stillAllowed(t, found)) {
            flows.kill(found); // no grandfathering: evaluated as a new flow in its own direction
            return UNTRACKED;
        }
        fromOpener = opener;
        return found;
    }

    /**
     * For a new flow delivered to local endpoint {@code receiver} (-1: not local): ingress at the receiver, the source
     * address as peer.
     *
     * @return {@link #ADMITTED}, or the drop column to count on {@code receiver}
     */
    int admitIngress(ForwardingTable t, FrameParser p, int receiver) {
        if (flow == UNTRACKED && receiver >= 0) {
            CompiledPolicy policy = t.policy;
            int verdict = policy.evaluate(receiver, CompiledPolicy.INGRESS, p.srcHigh, p.srcLow, p.protocol, policyPort(p));
            if (denied(policy, verdict)) {
                return verdict == CompiledPolicy.DEFAULT_DENY ? POLICY_DEFAULT_DENY : POLICY_DENIED;
            }
        }
        return ADMITTED;
    }

    /** The admitted packet is forwarded: refreshes its flow, or opens one for a new flow that can be tracked. */
    void track(ForwardingTable t, FrameParser p, int source, boolean uplink, int receiver, long now) {
        if (flow >= 0) {
            flows.seen(flow, now, fromOpener, p.tcpFlags);
        } else if (flow == UNTRACKED && (p.kind == FrameParser.TRACKABLE || p.kind == FrameParser.ECHO_REQUEST)) {
            open(t, p, uplink ? -1 : source, receiver, now);
        }
    }

    private void open(ForwardingTable t, FrameParser p, int opener, int receiver, long now) {
        int protocol = p.protocol;
        byte state = protocol == TCP ? FlowTable.openingState(p.tcpFlags) : FlowTable.NOT_TCP;
        if (state < 0) {
            return;
        }
        if (FlowTable.sourceIsLow(p.srcHigh, p.srcLow, p.sport, p.dstHigh, p.dstLow, p.dport)) {
            flows.insert(p.srcHigh, p.srcLow, p.dstHigh, p.dstLow, FlowTable.key1(protocol, p.sport, p.dport), now, t.revision,
                    state, true, opener, receiver);
        } else {
            flows.insert(p.dstHigh, p.dstLow, p.srcHigh, p.srcLow, FlowTable.key1(protocol, p.dport, p.sport), now, t.revision,
                    state, false, opener, receiver);
        }
    }

    private static int policyPort(FrameParser p) {
        return hasPorts(p.protocol) ? p.dport : 0;
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
        return recheck(t, flow);
    }

    private boolean recheck(ForwardingTable t, int flow) {
        long k1 = flows.key1(flow);
        boolean openerLow = flows.openerLow(flow);
        long openerHigh = openerLow ? flows.aHigh(flow) : flows.bHigh(flow);
        long openerLowBits = openerLow ? flows.aLow(flow) : flows.bLow(flow);
        long receiverHigh = openerLow ? flows.bHigh(flow) : flows.aHigh(flow);
        long receiverLowBits = openerLow ? flows.bLow(flow) : flows.aLow(flow);
        int proto = (int) (k1 >>> 32);
        int lowPort = (int) (k1 >>> 16) & 0xffff;
        int highPort = (int) k1 & 0xffff;
        int port = hasPorts(proto) ? (openerLow ? highPort : lowPort) : 0;
        CompiledPolicy policy = t.policy;
        int opener = flows.opener(flow);
        if (opener >= 0 && !allows(policy, policy.evaluate(opener, CompiledPolicy.EGRESS, receiverHigh, receiverLowBits, proto,
                port))) {
            return false;
        }
        // the receiver as routing decides it now (a route change may have moved the destination to another endpoint)
        int receiver = routes.receiverOf(t, openerHigh, openerLowBits, receiverHigh, receiverLowBits, proto,
                proto == TCP || proto == UDP ? (openerLow ? lowPort << 16 | highPort : highPort << 16 | lowPort) : 0);
        if (receiver >= 0 && !allows(policy, policy.evaluate(receiver, CompiledPolicy.INGRESS, openerHigh, openerLowBits, proto,
                port))) {
            return false;
        }
        flows.revision(flow, t.revision);
        return true;
    }

    /**
     * The ICMP (v4 or v6) error in the packet is sent to the sender of the packet it quotes, whose flow is live and
     * still allowed.
     */
    private boolean related(ForwardingTable t, FrameParser p, long now) {
        long inner = p.l4 + 8;
        int innerHeader;
        int innerProtocol;
        long sourceHigh;
        long sourceLow;
        long targetHigh;
        long targetLow;
        boolean v6 = p.v6;
        if (v6) {
            if (p.l4Length < 8 + 40 + 8 || (u8(inner) >>> 4) != 6) {
                return false;
            }
            innerHeader = 40;
            innerProtocol = u8(inner + 6);
            sourceHigh = ALL.get(U64_BE, inner + 8);
            sourceLow = ALL.get(U64_BE, inner + 16);
            targetHigh = ALL.get(U64_BE, inner + 24);
            targetLow = ALL.get(U64_BE, inner + 32);
        } else {
            if (p.l4Length < 8 + 20) {
                return false;
            }
            innerHeader = (u8(inner) & 0xf) * 4;
            if (innerHeader < 20 || p.l4Length < 8 + innerHeader + 8) {
                return false;
            }
            innerProtocol = u8(inner + 9);
            sourceHigh = FlowTable.V4_HIGH;
            sourceLow = FlowTable.v4(ALL.get(U32_BE, inner + 12));
            targetHigh = FlowTable.V4_HIGH;
            targetLow = FlowTable.v4(ALL.get(U32_BE, inner + 16));
        }
        if (sourceHigh != p.dstHigh || sourceLow != p.dstLow) {
            return false;
        }
        long l4Inner = inner + innerHeader;
        int sport = 0;
        int dport = 0;
        if (hasPorts(innerProtocol)) {
            sport = u16(l4Inner);
            dport = u16(l4Inner + 2);
        } else if (innerProtocol == (v6 ? ICMPV6 : ICMP)) {
            if (u8(l4Inner) != (v6 ? 128 : 8)) {
                return false;
            }
            sport = u16(l4Inner + 4);
            dport = sport;
        }
        boolean quotedLow = FlowTable.sourceIsLow(sourceHigh, sourceLow, sport, targetHigh, targetLow, dport);
        int quoted = quotedLow
                ? flows.find(sourceHigh, sourceLow, targetHigh, targetLow, FlowTable.key1(innerProtocol, sport, dport), now)
                : flows.find(targetHigh, targetLow, sourceHigh, sourceLow, FlowTable.key1(innerProtocol, dport, sport), now);
        if (quoted < 0) {
            return false;
        }
        if (!stillAllowed(t, quoted)) {
            flows.kill(quoted);
            return false;
        }
        return true;
    }
}
