package dev.uniplane.spi.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.uniplane.api.PortRange;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Port ranges as aligned prefixes: value/bits (LPM keys) and value/mask (OpenFlow) of one split. */
class PortPrefixesTest {

    @Test
    void rangesSplitIntoMinimalPrefixes() {
        assertThat(PortPrefixes.of(80, 80)).containsExactly(new PortPrefix(80, 16));
        assertThat(PortPrefixes.of(0, 65535)).containsExactly(new PortPrefix(0, 0));
        assertThat(PortPrefixes.of(1, 65535)).hasSize(16);
        // 8000-8063/10, 8064-8095/11, 8096-8099/14, 8100/16
        assertThat(PortPrefixes.of(8000, 8100)).extracting(PortPrefix::toString).containsExactly("8000/10", "8064/11", "8096/14", "8100/16");
        for (int from = 1; from < 300; from += 37) {
            for (int to = from; to < 700; to += 53) {
                int covered = 0;
                for (PortPrefix q : PortPrefixes.of(from, to)) {
                    covered += 1 << (16 - q.bits());
                    assertThat(q.value() & ((1 << (16 - q.bits())) - 1)).isZero();
                }
                assertThat(covered).isEqualTo(to - from + 1);
            }
        }
    }

    @Test
    void portRangesBecomeExactlyCoveringMaskedPrefixes() {
        List<PortPrefix> p = PortPrefixes.of(PortRange.of(7260, 7269));
        assertThat(p).hasSize(3);
        assertThat(new int[] {p.get(0).value(), p.get(0).mask()}).containsExactly(7260, 0xfffc);
        assertThat(new int[] {p.get(1).value(), p.get(1).mask()}).containsExactly(7264, 0xfffc);
        assertThat(new int[] {p.get(2).value(), p.get(2).mask()}).containsExactly(7268, 0xfffe);
        for (int[] range : List.of(new int[] {1, 65535}, new int[] {1000, 1000}, new int[] {3, 4097}, new int[] {65534, 65535})) {
            List<PortPrefix> prefixes = PortPrefixes.of(PortRange.of(range[0], range[1]));
            for (int port = 1; port <= 65535; port++) {
                int q = port;
                long hits = prefixes.stream().filter(x -> (q & x.mask()) == x.value()).count();
                assertThat(hits).as("port %d in %d-%d", port, range[0], range[1]).isEqualTo(port >= range[0] && port <= range[1] ? 1 : 0);
            }
        }
    }

    @Property(tries = 300)
    void prefixesAreAscendingDisjointAndCoverTheRangeExactly(@ForAll @IntRange(min = 0, max = 65535) int a,
                                                            @ForAll @IntRange(min = 0, max = 65535) int b) {
        int from = Math.min(a, b);
        int to = Math.max(a, b);
        List<PortPrefix> prefixes = PortPrefixes.of(from, to);
        int next = from;
        for (PortPrefix p : prefixes) {
            assertThat(p.value()).isEqualTo(next);
            assertThat(p.contains(p.value())).isTrue();
            assertThat(p.contains(p.last())).isTrue();
            next = p.last() + 1;
        }
        assertThat(next).isEqualTo(to + 1);
        // minimal: at most two prefixes of each length
        assertThat(prefixes.stream().collect(java.util.stream.Collectors.groupingBy(PortPrefix::bits, java.util.stream.Collectors.counting())))
                .allSatisfy((bits, n) -> assertThat(n).isLessThanOrEqualTo(2));
    }

    @Test
    void misalignedOrOutOfRangePrefixesAreRejected() {
        assertThatThrownBy(() -> new PortPrefix(81, 15)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PortPrefix(0, 17)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PortPrefixes.of(10, 9)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new PortPrefix(0, 0).mask()).isZero();
        assertThat(new PortPrefix(80, 16).mask()).isEqualTo(0xffff);
    }
}
