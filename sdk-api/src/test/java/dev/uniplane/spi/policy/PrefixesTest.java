package dev.uniplane.spi.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** CIDR minus excepts as disjoint prefixes. */
class PrefixesTest {

    @Test
    void cidrMinusExceptIsDisjointAndExact() {
        List<IpPrefix> parts = Prefixes.subtract(IpPrefix.parse("10.100.0.0/16"), List.of(IpPrefix.parse("10.100.0.2/32"),
                IpPrefix.parse("10.100.128.0/17")));
        assertThat(parts).hasSize(15);
        for (String a : List.of("10.100.0.1", "10.100.0.3", "10.100.127.255")) {
            assertThat(parts.stream().filter(p -> p.contains(IpAddress.parse(a))).count()).as(a).isEqualTo(1);
        }
        for (String a : List.of("10.100.0.2", "10.100.128.1", "10.101.0.1")) {
            assertThat(parts.stream().anyMatch(p -> p.contains(IpAddress.parse(a)))).as(a).isFalse();
        }
        assertThat(Prefixes.subtract(IpPrefix.parse("fd00::/64"), List.of(IpPrefix.parse("fd00::1/128")))).hasSize(64);
    }

    @Test
    void noExceptInsideLeavesTheCidrAndACoveringExceptLeavesNothing() {
        assertThat(Prefixes.subtract(IpPrefix.parse("10.0.0.0/8"), List.of())).containsExactly(IpPrefix.parse("10.0.0.0/8"));
        assertThat(Prefixes.subtract(IpPrefix.parse("10.0.0.0/8"), List.of(IpPrefix.parse("11.0.0.0/8"))))
                .containsExactly(IpPrefix.parse("10.0.0.0/8"));
        assertThat(Prefixes.subtract(IpPrefix.parse("10.0.0.0/24"), List.of(IpPrefix.parse("10.0.0.0/8")))).isEmpty();
        assertThat(Prefixes.subtract(IpPrefix.parse("10.0.0.0/24"), List.of(IpPrefix.parse("10.0.0.0/25"), IpPrefix.parse("10.0.0.128/25"))))
                .isEmpty();
    }

    /** Over a /24, every address is in exactly one piece iff it is in no except, and pieces come in address order. */
    @Property(tries = 200)
    void piecesAreDisjointOrderedAndExact(@ForAll @Size(max = 4) List<@IntRange(min = 0, max = 255) Integer> starts,
                                          @ForAll @Size(max = 4) List<@IntRange(min = 25, max = 32) Integer> lengths) {
        IpPrefix cidr = IpPrefix.parse("192.0.2.0/24");
        List<IpPrefix> except = new ArrayList<>();
        for (int i = 0; i < Math.min(starts.size(), lengths.size()); i++) {
            except.add(new IpPrefix(IpAddress.parse("192.0.2." + starts.get(i)), lengths.get(i)));
        }
        List<IpPrefix> pieces = Prefixes.subtract(cidr, except);
        assertThat(pieces).isSorted();
        for (int host = 0; host < 256; host++) {
            IpAddress a = IpAddress.parse("192.0.2." + host);
            long in = pieces.stream().filter(p -> p.contains(a)).count();
            boolean excepted = except.stream().anyMatch(e -> e.contains(a));
            assertThat(in).as("%s with except %s", a, except).isEqualTo(excepted ? 0 : 1);
        }
    }
}
