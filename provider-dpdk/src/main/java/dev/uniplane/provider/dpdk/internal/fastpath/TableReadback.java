package dev.uniplane.provider.dpdk.internal.fastpath;

import dev.uniplane.provider.dpdk.internal.ffm.RteLpmRules;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Read-only access to a published {@link ForwardingTable}, for the backend inspector: the ports the loop polls, the
 * IPv4 LPM's rules (asked of {@code rte_lpm} itself), the IPv6 LPM and the ECMP groups as the loop spreads flows over
 * them. A published table is immutable (a change publishes a new one), so reading it while the lcore uses it is safe;
 * the caller must keep it from being freed (hold the dataplane's lock).
 */
public final class TableReadback {
    private final ForwardingTable table;

    public TableReadback(ForwardingTable table) {
        this.table = table;
    }

    /** Port id to the endpoint slot behind it ({@link PortBinding#UPLINK} for the uplink), for every polled port. */
    public Map<Integer, Integer> ports() {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < table.ports.length; i++) {
            out.put((int) table.ports[i], table.portEndpoint[i]);
        }
        return out;
    }

    /** Number of route entries (next-hop groups) the table was built with, IPv4 and IPv6. */
    public int routeCount() {
        return table.routeCount();
    }

    /** The group of the IPv4 rule for exactly {@code address/length} (host order), if the LPM has that rule. */
    public OptionalInt v4Rule(int address, int length) {
        if (!table.hasLpm) {
            return OptionalInt.empty();
        }
        return RteLpmRules.rule(table.lpm, address, length);
    }

    /**
     * The group the IPv6 LPM answers for the network address of {@code high/low} (the longest prefix containing it; the
     * IPv6 LPM cannot be asked for one exact rule).
     */
    public OptionalInt v6Lookup(long high, long low) {
        int group = table.lpm6.lookup(high, low);
        return group == Lpm6.MISS ? OptionalInt.empty() : OptionalInt.of(group);
    }

    /**
     * The members of group {@code group} as the loop picks them: each distinct member with the number of hash slots it
     * owns (its weight divided by the group's common divisor).
     */
    public List<Hop> group(int group) {
        Map<Integer, Integer> slotsPerMember = new LinkedHashMap<>();
        for (int s = table.groupStart[group]; s < table.groupStart[group] + table.groupLength[group]; s++) {
            slotsPerMember.merge(table.slots[s], 1, Integer::sum);
        }
        List<Hop> out = new ArrayList<>();
        slotsPerMember.forEach((m, weight) -> out.add(switch (table.memberKind[m]) {
            case ForwardingTable.DROP -> new Hop.Drop(1);
            case ForwardingTable.ENDPOINT -> new Hop.ToEndpoint(table.memberEndpoint[m], table.memberPort[m], table.memberDstMac[m], weight);
            default -> new Hop.ToGateway(table.memberPort[m], table.memberSrcMac[m], table.memberDstMac[m], weight);
        }));
        return out;
    }

    /** The IPv4 LPM itself (for tests that change the backend behind the dataplane's back); NULL without IPv4 routes. */
    public MemorySegment v4Lpm() {
        return table.lpm;
    }
}
