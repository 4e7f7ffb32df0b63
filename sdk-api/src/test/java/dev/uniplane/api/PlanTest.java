package dev.uniplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlanTest {
    private final AttachSpec a = AttachSpec.builder("a").netns("/run/netns/a").address("10.0.0.2").build();
    private final AttachSpec b = AttachSpec.builder("b").netns("/run/netns/b").address("10.0.0.3").build();
    private final Route r1 = Route.of("192.168.0.0/16", NextHop.gateway("10.0.0.1"));
    private final Route r1b = Route.of("192.168.0.0/16", NextHop.endpoint("a"));
    private final Route r2 = Route.of("172.16.0.0/12", NextHop.drop());
    private final Policy p = Policy.builder("p").ingress(Rule.allowAll()).build();

    @Test
    void planIsTheExactDiff() {
        DesiredState current = new DesiredState(List.of(a), List.of(r1, r2), PolicySet.of(p), List.of());
        DesiredState desired = new DesiredState(List.of(a, b), List.of(r1b), PolicySet.empty(),
                List.of(RemoteEndpoint.of("r", "10.9.0.1", "app", "db")));
        Plan plan = Plan.between(current, desired);
        assertThat(plan.endpoints()).containsExactly(new Change.Add<>(b));
        assertThat(plan.routes()).containsExactly(new Change.Modify<>(r1, r1b), new Change.Remove<>(r2));
        assertThat(plan.policies()).containsExactly(new Change.Remove<>(p));
        assertThat(plan.remotes()).hasSize(1).first().isInstanceOf(Change.Add.class);
        assertThat(plan.size()).isEqualTo(5);
    }

    @Test
    void sameStateGivesEmptyPlan() {
        DesiredState s = new DesiredState(List.of(a, b), List.of(r1), PolicySet.of(p), List.of());
        assertThat(Plan.between(s, s).isEmpty()).isTrue();
    }
}
