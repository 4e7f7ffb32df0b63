package dev.uniplane.provider.ebpf.internal.maps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a route batch needs of the route maps at its fullest moment, counted before anything is written. */
class RouteCapacityTest {
    private static final NextHopGroup VIA_GATEWAY = new NextHopGroup(List.of(NextHopEntry.gateway(IpAddress.parse("10.254.0.2"), 1, 7)));
    private final RouteCapacity fourRoutesTwoSources = new RouteCapacity(4, 4, 2);

    private static IpPrefix p(String text) {
        return IpPrefix.parse(text);
    }

    private static NextHopGroup toEndpoints(int... ifindexes) {
        return new NextHopGroup(java.util.Arrays.stream(ifindexes)
                .mapToObj(i -> NextHopEntry.endpoint(i, i, MacAddress.parse("02:00:00:00:00:01"), MacAddress.parse("02:00:00:00:00:02"), 1))
                .toList());
    }

    private static Map<IpPrefix, NextHopGroup> upserts(String... prefixes) {
        Map<IpPrefix, NextHopGroup> m = new LinkedHashMap<>();
        for (String s : prefixes) {
            m.put(p(s), VIA_GATEWAY);
        }
        return m;
    }

    @Test
    void tenNewPrefixesDoNotFitFourEntriesAndTheMessageNamesTheMap() {
        Map<IpPrefix, NextHopGroup> ten = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            ten.put(p("11.0." + i + ".0/24"), VIA_GATEWAY);
        }
        assertThatThrownBy(() -> fourRoutesTwoSources.check(Set.of(), Map.of(), ten, List.of()))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("10 IPv4 prefixes").hasMessageContaining("up_routes_v4 max_entries=4");
    }

    @Test
    void replacedAndRemovedPrefixesAreCountedOnce() {
        Set<IpPrefix> full = Set.of(p("11.0.0.0/24"), p("11.0.1.0/24"), p("11.0.2.0/24"), p("11.0.3.0/24"));
        // replacing routes that are there needs no entry
        assertThatCode(() -> fourRoutesTwoSources.check(full, Map.of(), upserts("11.0.0.0/24", "11.0.3.0/24"), List.of()))
                .doesNotThrowAnyException();
        // two out, two in: the removed ones leave the map first
        assertThatCode(() -> fourRoutesTwoSources.check(full, Map.of(), upserts("12.0.0.0/24", "12.0.1.0/24"),
                List.of(p("11.0.0.0/24"), p("11.0.1.0/24")))).doesNotThrowAnyException();
        // one more than fits
        assertThatThrownBy(() -> fourRoutesTwoSources.check(full, Map.of(), upserts("12.0.0.0/24", "12.0.1.0/24"),
                List.of(p("11.0.0.0/24")))).hasMessageContaining("5 IPv4 prefixes");
        // removed and upserted again in the same batch: the prefix stays in the map, so it still counts
        assertThatThrownBy(() -> fourRoutesTwoSources.check(full, Map.of(), upserts("11.0.0.0/24", "12.0.0.0/24"),
                List.of(p("11.0.0.0/24")))).hasMessageContaining("5 IPv4 prefixes");
    }

    @Test
    void familiesHaveTheirOwnMaps() {
        Set<IpPrefix> fullV4 = Set.of(p("11.0.0.0/24"), p("11.0.1.0/24"), p("11.0.2.0/24"), p("11.0.3.0/24"));
        assertThatCode(() -> fourRoutesTwoSources.check(fullV4, Map.of(), upserts("2001:db8::/64"), List.of()))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> fourRoutesTwoSources.check(Set.of(), Map.of(),
                upserts("2001:db8::/64", "2001:db8:1::/64", "2001:db8:2::/64", "2001:db8:3::/64", "2001:db8:4::/64"), List.of()))
                .hasMessageContaining("up_routes_v6 max_entries=4");
    }

    @Test
    void sourceRoutesAreCountedAtTheirPeakInWritingOrder() {
        Map<IpPrefix, Set<Integer>> sources = Map.of(p("11.0.0.0/24"), Set.of(5));
        Set<IpPrefix> routed = Set.of(p("11.0.0.0/24"));
        // moving the one prefix from endpoint 5 to 6 needs no more entries
        assertThatCode(() -> fourRoutesTwoSources.check(routed, sources, Map.of(p("11.0.0.0/24"), toEndpoints(6)), List.of()))
                .doesNotThrowAnyException();
        // a new prefix on two endpoints needs two more: three of two
        Map<IpPrefix, NextHopGroup> grow = new LinkedHashMap<>();
        grow.put(p("12.0.0.0/24"), toEndpoints(5, 6));
        assertThatThrownBy(() -> fourRoutesTwoSources.check(routed, sources, grow, List.of()))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("3 (endpoint, routed prefix) pairs")
                .hasMessageContaining("up_src_routes max_entries=2");
        // the removed prefix's entries only go after the upserts are written: still three at the peak
        assertThatThrownBy(() -> fourRoutesTwoSources.check(routed, sources, grow, List.of(p("11.0.0.0/24"))))
                .hasMessageContaining("up_src_routes");
        // shrinking one prefix before growing another keeps the peak at two
        Map<IpPrefix, NextHopGroup> shrinkThenGrow = new LinkedHashMap<>();
        shrinkThenGrow.put(p("11.0.0.0/24"), VIA_GATEWAY);
        shrinkThenGrow.put(p("12.0.0.0/24"), toEndpoints(5, 6));
        assertThatCode(() -> fourRoutesTwoSources.check(routed, sources, shrinkThenGrow, List.of())).doesNotThrowAnyException();
        assertThat(RouteCapacity.endpointIfindexes(toEndpoints(5, 6))).containsExactlyInAnyOrder(5, 6);
    }
}
