package dev.uniplane.provider.ovsdpdk.internal.program;

import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.RemoteEndpoint;
import dev.uniplane.api.Route;
import dev.uniplane.api.RuleRef;
import dev.uniplane.provider.ovsdpdk.internal.host.Uplink;
import dev.uniplane.provider.ovsdpdk.internal.host.Wiring;
import dev.uniplane.provider.ovsdpdk.internal.program.FlowTables.Local;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OpenFlowChannel;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.Labeled;
import dev.uniplane.spi.DesiredView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the switch's flows the computed program of a dataplane (base, endpoints, routes, policy) by difference
 * ({@link FlowDiff}): stale flows are deleted, missing or different ones added, identical ones left alone, all in one
 * atomic bundle; then the datapath is purged if anything changed. Conntrack is kept. Used by adoption and reconcile.
 */
public final class FlowConvergence {
    private static final Logger LOG = LoggerFactory.getLogger(FlowConvergence.class);

    private final Target dp;
    /** What the last convergence did (tests check that adoption re-added nothing). */
    private volatile FlowDiff last = new FlowDiff(List.of(), List.of(), 0);

    /** What convergence reads from the dataplane, and where it records the policy it installed. */
    public interface Target {
        /** The dataplane's name, for the log. */
        String name();

        /** The channel to the switch. */
        OpenFlowChannel openflow();

        /** The OpenFlow program's encoder. */
        FlowTables tables();

        /** The uplink, if any. */
        Optional<Uplink> uplink();

        /** The wired endpoints. */
        Map<EndpointId, Wiring> wirings();

        /** The route ids in force. */
        Map<IpPrefix, Integer> routeIds();

        /** The flows of one route with this id. */
        List<Labeled> routeFlows(int id, Route r);

        /** The policy flows for these endpoints and remotes. */
        PolicyFlows.Compiled compilePolicy(PolicySet set, Map<EndpointId, Wiring> endpoints, List<RemoteEndpoint> remotes);

        /** Flushes the datapath's cached megaflows. */
        void syncDatapath();

        /** Records the rules and actions of the policy flows now installed (for the stats). */
        void recordPolicy(Map<Integer, RuleRef> rules, Map<Integer, dev.uniplane.api.Action> actions);
    }

    public FlowConvergence(Target dp) {
        this.dp = dp;
    }

    /**
     * Converges on the program of {@code state} (routes, policies, remotes; the endpoints are the wired ones); the caller
     * holds the dataplane's lock (or owns it alone, while opening).
     */
    public void converge(DesiredView state) {
        List<Labeled> program = forwardingFlows(state);
        PolicyFlows.Compiled compiled = dp.compilePolicy(state.policies(), dp.wirings(), List.copyOf(state.remotes().values()));
        program.addAll(compiled.flows());
        FlowDiff diff = FlowDiff.between(dp.openflow().flowStats(), program);
        if (!diff.isEmpty()) {
            dp.openflow().applyBundle(diff.messages());
            dp.syncDatapath();
        }
        dp.recordPolicy(compiled.rules(), compiled.actions());
        last = diff;
        LOG.debug("flows of {}: {} kept, {} added, {} removed", dp.name(), diff.unchanged(), diff.adds().size(), diff.deletes().size());
    }

    public FlowDiff last() {
        return last;
    }

    /** The flows without policy: base program, wired endpoints, the routes of {@code state}. */
    private List<Labeled> forwardingFlows(DesiredView state) {
        List<Labeled> flows = new ArrayList<>(dp.tables().base(dp.uplink().map(u -> OptionalLong.of(u.ofport())).orElse(OptionalLong.empty()))
                .stream().filter(l -> !l.label().equals("delete all groups")).toList());
        dp.wirings().values().forEach(w -> flows.addAll(dp.tables().endpoint(w.index(), new Local(w.ofport(), w.mac()), w.spec().addresses())));
        state.routes().values().forEach(r -> flows.addAll(dp.routeFlows(dp.routeIds().get(r.prefix()), r)));
        return flows;
    }
}
