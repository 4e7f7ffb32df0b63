package dev.uniplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.uniplane.api.Action;
import dev.uniplane.api.Direction;
import dev.uniplane.api.DropReason;
import dev.uniplane.api.EndpointId;
import dev.uniplane.api.EndpointStats;
import dev.uniplane.api.RuleRef;
import dev.uniplane.api.RuleStats;
import dev.uniplane.api.StatsSnapshot;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** stats: counters, rates from consecutive snapshots, drop reasons; --watch with JSON lines. */
class StatsCommandTest {
    private static final EndpointId WEB = EndpointId.of("web");
    private static final RuleRef RULE = new RuleRef("p", Direction.INGRESS, 0);

    private static StatsSnapshot at(int second, long packets, long bytes, long denied, long rulePackets) {
        return new StatsSnapshot(Instant.parse("2026-12-06T15:00:00Z").plusSeconds(second),
                Map.of(WEB, new EndpointStats(WEB, packets, bytes, packets, bytes, Map.of(DropReason.POLICY_DENIED, denied))),
                Map.of(RULE, new RuleStats(RULE, Action.ALLOW, rulePackets)));
    }

    @Test
    void watchPrintsOneJsonLinePerRefreshWithRates() throws Exception {
        CliHarness cli = new CliHarness();
        when(cli.dataplane.stats()).thenReturn(at(0, 100, 10_000, 1, 5), at(2, 300, 30_000, 4, 9));
        CliHarness.Result result = cli.run("stats", "--watch", "10ms", "--count", "2", "-o", "json");
        assertThat(result.code()).isZero();
        String[] lines = result.out().strip().split("\n");
        assertThat(lines).hasSize(2);
        JsonNode second = new ObjectMapper().readTree(lines[1]);
        assertThat(second.get("intervalSeconds").asDouble()).isEqualTo(2.0);
        JsonNode web = second.get("endpoints").get(0);
        assertThat(web.get("rxPps").asDouble()).isEqualTo(100.0);
        assertThat(web.get("rxBps").asDouble()).isEqualTo(80_000.0);
        assertThat(web.get("drops").get("POLICY_DENIED").asLong()).isEqualTo(4);
        assertThat(second.get("rules").get(0).get("pps").asDouble()).isEqualTo(2.0);
        verify(cli.dataplane, times(2)).stats();
    }

    @Test
    void aSingleSnapshotIsATableWithoutRates() {
        CliHarness cli = new CliHarness();
        when(cli.dataplane.stats()).thenReturn(at(0, 1_500_000, 2_000_000_000L, 2, 5));
        CliHarness.Result result = cli.run("stats");
        assertThat(result.out()).contains("ENDPOINT").contains("web").contains("POLICY_DENIED=2").contains("p/ingress[0]  ALLOW");
        assertThat(StatsReport.human(2_000_000_000.0 * 8, true)).isEqualTo("16.0G");
        assertThat(StatsReport.human(999, true)).isEqualTo("999");
    }
}
