package dev.uniplane.samples;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Route;
import dev.uniplane.api.Rule;
import java.util.List;

/**
 * The README's Java example, compiled so that it stays true: open a dataplane, attach two workloads, add a route,
 * apply a policy, read stats. Run it as root after {@code ip netns add web; ip netns add db}.
 */
public final class QuickStart {
    private QuickStart() {
    }

    public static void main(String[] args) {
        // The best available provider, or the one named by -Duniplane.provider=NAME.
        try (Dataplane dp = Dataplanes.discover().open(DataplaneConfig.builder().name("quickstart").build())) {
            dp.attach(AttachSpec.builder("web").netns("/run/netns/web").address("10.0.1.2").labels("app", "web").build());
            dp.attach(AttachSpec.builder("db").netns("/run/netns/db").address("10.0.2.2").labels("app", "db").build());

            dp.addRoute(Route.of("203.0.113.0/24", NextHop.drop()));

            // Only web may reach db, and only on tcp/5432.
            dp.applyPolicies(PolicySet.of(Policy.builder("db-ingress")
                    .selectLabels("app", "db")
                    .ingress(Rule.allow(List.of(Peer.labels("app", "web")), List.of(PortMatch.tcp(5432))))
                    .build()));

            EndpointStats db = dp.stats().endpoint(EndpointId.of("db"));
            System.out.printf("db received %d packets; %d dropped by policy%n",
                    db.rxPackets(), db.drops(DropReason.POLICY_DEFAULT_DENY));
        }
    }
}
