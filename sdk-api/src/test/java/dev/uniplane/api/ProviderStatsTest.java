package dev.uniplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderStatsTest {
    private static ProviderStats peers(long uptime, long updates) {
        return new ProviderStats(Map.of("10.0.0.2", new ProviderStats.Row(Map.of("state", "ESTABLISHED"),
                Map.of("uptime-seconds", uptime), Map.of("updates-received", updates))));
    }

    @Test
    void theThreeArgumentSnapshotHasNoExtensions() {
        assertThat(new StatsSnapshot(Instant.EPOCH, Map.of(), Map.of()).extensions()).isEmpty();
    }

    @Test
    void deltaSubtractsCountersAndKeepsAttributesAndGauges() {
        StatsSnapshot t0 = new StatsSnapshot(Instant.EPOCH, Map.of(), Map.of(), Map.of("bgp.peers", peers(10, 5)));
        StatsSnapshot t1 = new StatsSnapshot(Instant.EPOCH.plusSeconds(1), Map.of(), Map.of(), Map.of("bgp.peers", peers(11, 8)));

        ProviderStats.Row row = t1.delta(t0).extension("bgp.peers").orElseThrow().row("10.0.0.2").orElseThrow();

        assertThat(row.counters()).containsEntry("updates-received", 3L);
        assertThat(row.gauges()).containsEntry("uptime-seconds", 11L);
        assertThat(row.attributes()).containsEntry("state", "ESTABLISHED");
    }

    @Test
    void anExtensionAbsentBeforeCountsFromZero() {
        StatsSnapshot t0 = new StatsSnapshot(Instant.EPOCH, Map.of(), Map.of());
        StatsSnapshot t1 = new StatsSnapshot(Instant.EPOCH, Map.of(), Map.of(), Map.of("bgp.peers", peers(1, 4)));

        assertThat(t1.delta(t0).extension("bgp.peers").orElseThrow().row("10.0.0.2").orElseThrow().counters())
                .containsEntry("updates-received", 4L);
    }
}
