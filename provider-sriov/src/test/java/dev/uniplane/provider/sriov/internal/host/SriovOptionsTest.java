package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SriovOptionsTest {
    private static VirtualFunction vf(String pf, int index, String vendor, String device, String driver) {
        return new VirtualFunction(pf, "0000:01:00.0", index, "0000:01:10." + index, vendor, device, driver, null, null);
    }

    private static SriovOptions parse(String... keyValues) {
        DataplaneConfig.Builder b = DataplaneConfig.builder();
        for (int i = 0; i < keyValues.length; i += 2) {
            b.option(keyValues[i], keyValues[i + 1]);
        }
        return SriovOptions.parse(b.build(), "sriov");
    }

    @Test
    void noOptionSelectsEveryVfAndLeavesTheCountAlone() {
        SriovOptions o = parse();

        assertThat(o.selector()).isEqualTo(VfSelector.ANY);
        assertThat(o.selector().matches(vf("eth0", 3, "15b3", "101e", "mlx5_core"))).isTrue();
        assertThat(o.numVfs()).isEmpty();
    }

    @Test
    void parsesEverySelector() {
        SriovOptions o = parse("sriov.pf", "ens1f0, ens1f1#2-3,eth0#5", "sriov.vendor", "8086,0x15B3",
                "sriov.device", "10ca", "sriov.driver", "igbvf,iavf", "sriov.numvfs", "4");

        assertThat(o.selector().pfs()).containsExactly(new VfSelector.PfRange("ens1f0", 0, Integer.MAX_VALUE),
                new VfSelector.PfRange("ens1f1", 2, 3), new VfSelector.PfRange("eth0", 5, 5));
        assertThat(o.selector().vendors()).isEqualTo(Set.of("8086", "15b3"));
        assertThat(o.selector().devices()).isEqualTo(Set.of("10ca"));
        assertThat(o.selector().drivers()).isEqualTo(Set.of("igbvf", "iavf"));
        assertThat(o.numVfs()).hasValue(4);
    }

    @Test
    void selectorsAreAndedAndValuesOred() {
        VfSelector s = parse("sriov.pf", "ens1f1#2-3", "sriov.driver", "igbvf,iavf").selector();

        assertThat(s.matches(vf("ens1f1", 2, "8086", "10ca", "igbvf"))).isTrue();
        assertThat(s.matches(vf("ens1f1", 3, "8086", "154c", "iavf"))).isTrue();
        assertThat(s.matches(vf("ens1f1", 4, "8086", "10ca", "igbvf"))).as("outside the range").isFalse();
        assertThat(s.matches(vf("ens1f1", 2, "8086", "10ca", "vfio-pci"))).as("other driver").isFalse();
        assertThat(s.matches(vf("ens1f1", 2, "8086", "10ca", null))).as("unbound").isFalse();
        assertThat(s.matches(vf("ens1f0", 2, "8086", "10ca", "igbvf"))).as("other PF").isFalse();
    }

    @Test
    void selectKeepsPfThenVfOrder() {
        PhysicalFunction a = new PhysicalFunction("a", "0000:01:00.0", "8086", "10c9", "igb", 7, 2,
                List.of(vf("a", 0, "8086", "10ca", "igbvf"), vf("a", 1, "8086", "10ca", "igbvf")));
        PhysicalFunction b = new PhysicalFunction("b", "0000:02:00.0", "8086", "10c9", "igb", 7, 1,
                List.of(vf("b", 0, "8086", "10ca", "igbvf")));

        assertThat(parse("sriov.pf", "b,a#1").selector().select(List.of(a, b)))
                .extracting(VirtualFunction::pfName, VirtualFunction::index)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 1), org.assertj.core.groups.Tuple.tuple("b", 0));
    }

    @Test
    void refusesBadValuesNamingTheOptionAndValue() {
        assertRefused("sriov.pf", "eth0#3-1", "options.sriov.pf=\"eth0#3-1\"", "ending before it starts");
        assertRefused("sriov.pf", "eth0#x", "options.sriov.pf=\"eth0#x\"", "#N or #FIRST-LAST");
        assertRefused("sriov.pf", "a-very-long-interface-name", "options.sriov.pf=", "1-15 characters");
        assertRefused("sriov.pf", "eth0,,eth1", "options.sriov.pf=\"eth0,,eth1\"", "empty entry");
        assertRefused("sriov.vendor", "intel", "options.sriov.vendor=\"intel\"", "four hex digits");
        assertRefused("sriov.device", "10c", "options.sriov.device=\"10c\"", "four hex digits");
        assertRefused("sriov.driver", "igb vf", "options.sriov.driver=\"igb vf\"", "driver name");
        assertRefused("sriov.numvfs", "-1", "options.sriov.numvfs=\"-1\"", "0 or more");
        assertRefused("sriov.numvfs", "four", "options.sriov.numvfs=\"four\"", "integer");
        assertRefused("sriov.pfs", "eth0", "options.sriov.pfs=\"eth0\"", "unknown option");
    }

    private static void assertRefused(String key, String value, String named, String problem) {
        assertThatThrownBy(() -> parse(key, value)).isInstanceOfSatisfying(InvalidSpecException.class, e -> {
            assertThat(e.getMessage()).startsWith(named).contains(problem);
            assertThat(e.field()).isEqualTo("options." + key);
        });
    }
}
