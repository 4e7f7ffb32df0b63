package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.provider.ovsdpdk.FlowTables.Local;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.spi.DesiredView;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the switch's flows the computed program of a dataplane (base, endpoints, routes, policy) by difference
 * ({@link FlowDiff}): stale flows are deleted, missing or different ones added, identical ones left alone, all in one
 * atomic bundle; then the datapath is purged if anything changed. Conntrack is kept. Used by adoption and reconcile.
 */
final class FlowConvergence {
    private static final Logger LOG = LoggerFactory.getLogger(FlowConvergence.class);

    private final OvsDpdkDataplane dp;
    /** What the last convergence did (tests check that adoption re-added nothing). */
    private volatile FlowDiff last = new FlowDiff(List.of(), List.of(), 0);

    FlowConvergence(OvsDpdkDataplane dp) {
        this.dp = dp;
    }

    /**
     * Converges on the program of {@code state} (routes, policies, remotes; the endpoints are the wired ones); the caller
     * holds the dataplane's lock (or owns it alone, while opening).
     */
    void converge(DesiredView state) {
        List<Labeled> program = forwardingFlows(state);
        PolicyFlows.Compiled compiled = dp.compilePolicy(state.policies(), dp.wirings, List.copyOf(state.remotes().values()));
        program.addAll(compiled.flows());
        FlowDiff diff = FlowDiff.between(dp.openflow.flowStats(), program);
        if (!diff.isEmpty()) {
            dp.openflow.applyBundle(diff.messages());
            dp.syncDatapath();
        }
        dp.ruleRefs = compiled.rules();
        dp.ruleActions = compiled.actions();
        last = diff;
        LOG.debug("flows of {}: {} kept, {} added, {} removed", dp.name(), diff.unchanged(), diff.adds().size(), diff.deletes().size());
    }

    FlowDiff last() {
        return last;
    }

    /** The flows without policy: base program, wired endpoints, the routes of {@code state}. */
    private List<Labeled> forwardingFlows(DesiredView state) {
        List<Labeled> flows = new ArrayList<>(dp.tables.base(dp.uplink.map(u -> OptionalLong.of(u.ofport())).orElse(OptionalLong.empty()))
                .stream().filter(l -> !l.label().equals("delete all groups")).toList());
        dp.wirings.values().forEach(w -> flows.addAll(dp.tables.endpoint(w.index(), new Local(w.ofport(), w.mac()), w.spec().addresses())));
        state.routes().values().forEach(r -> flows.addAll(dp.routeFlows(dp.routeIds.get(r.prefix()), r)));
        return flows;
    }
}
