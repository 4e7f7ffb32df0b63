package dev.uniplane.provider.ovsdpdk.internal.program;

import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Action;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.FlowStats;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Match;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowModCommand;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Oxm;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What to send so that a switch's flows become the desired ones while touching only those that differ (adoption after a
 * restart, reconcile after a backend restart). A flow is identified as OpenFlow does it, by table, priority and match
 * (fields in any order); an installed flow with the desired cookie and instructions stays untouched, so its counters
 * and its traffic go on. The desired set is read from the ADD flow-mods of any flow program (the deletes a program
 * starts with are ignored): it does not need to know which kinds of flows exist, except that flows the switch learned
 * (cookie kind SCTP_FLOW, {@link PolicyFlows}) are left alone.
 *
 * @param deletes   strict deletes of installed flows the desired set does not have
 * @param adds      adds of desired flows that are missing or differ (an add replaces a flow with the same key)
 * @param unchanged how many installed flows are already as desired
 */
public record FlowDiff(List<Labeled> deletes, List<Labeled> adds, int unchanged) {
    public FlowDiff {
        deletes = List.copyOf(deletes);
        adds = List.copyOf(adds);
    }

    /** OpenFlow's identity of a flow. */
    private record Key(int table, int priority, Set<Oxm> match) {
        static Key of(int table, int priority, Match match) {
            return new Key(table, priority, Set.copyOf(new HashSet<>(match.fields())));
        }
    }

    /** The difference between what the switch has ({@code installed}) and what {@code program} would install. */
    static FlowDiff between(List<FlowStats> installed, List<Labeled> program) {
        Map<Key, Labeled> desired = new LinkedHashMap<>();
        for (Labeled l : program) {
            if (l.message() instanceof FlowMod f && f.command() == FlowModCommand.ADD) {
                desired.put(Key.of(f.tableId(), f.priority(), f.match()), l); // a later add of the same key wins, as on the switch
            }
        }
        Map<Key, FlowStats> present = new LinkedHashMap<>();
        installed.stream().filter(f -> !learned(f)).forEach(f -> present.put(Key.of(f.tableId(), f.priority(), f.match()), f));
        List<Labeled> deletes = new ArrayList<>();
        present.forEach((key, f) -> {
            if (!desired.containsKey(key)) {
                deletes.add(new Labeled("remove stale flow in table " + f.tableId() + " (cookie 0x" + Long.toHexString(f.cookie()) + ")",
                        new FlowMod(0, 0, 0, f.tableId(), FlowModCommand.DELETE_STRICT, 0, 0, f.priority(), Action.PORT_ANY,
                                Action.PORT_ANY, 0, f.match(), List.of())));
            }
        });
        List<Labeled> adds = new ArrayList<>();
        int unchanged = 0;
        for (Map.Entry<Key, Labeled> e : desired.entrySet()) {
            FlowStats have = present.get(e.getKey());
            FlowMod want = (FlowMod) e.getValue().message();
            if (have != null && have.cookie() == want.cookie() && have.instructions().equals(want.instructions())) {
                unchanged++;
            } else {
                adds.add(e.getValue());
            }
        }
        return new FlowDiff(deletes, adds, unchanged);
    }

    /** Flows the switch learned (kind SCTP_FLOW): never in a program, they stay as they are. */
    private static boolean learned(FlowStats f) {
        return (f.cookie() & FlowTables.KIND_MASK) == FlowTables.kindOf(FlowTables.Kind.SCTP_FLOW);
    }

    /** Deletes first, then adds: one atomic bundle's worth. */
    List<Labeled> messages() {
        List<Labeled> all = new ArrayList<>(deletes);
        all.addAll(adds);
        return all;
    }

    /** True when the switch already has exactly the desired flows. */
    boolean isEmpty() {
        return deletes.isEmpty() && adds.isEmpty();
    }
}
