package dev.uniplane.provider.ebpf.internal.ffm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Rule;
import dev.uniplane.linux.Errno;
import dev.uniplane.provider.ebpf.internal.program.DatapathMaps;
import dev.uniplane.provider.ebpf.internal.program.EndpointCounters;
import dev.uniplane.provider.ebpf.internal.program.LpmKey;
import dev.uniplane.provider.ebpf.internal.program.PolicyCompiler;
import dev.uniplane.provider.ebpf.internal.program.PolicyState;
import dev.uniplane.provider.ebpf.internal.program.U32Value;
import dev.uniplane.tck.RequireAll;

/**
 * The bindings against the kernel on a private copy of the datapath object with small maps: batch updates (hash and
 * LPM), key iteration, per-CPU sums, errno capture, pinning on a private bpffs, and the compiler limits taken from
 * the real max_entries.
 */
class BpfMapTest {
    private static DatapathMaps small;

    @BeforeAll
    static void load() {
        RequireAll.prerequisite(LibBpf.loadFailure().isEmpty(), "libbpf.so.1 (apt-get install libbpf1)");
        RequireAll.prerequisite(isPrivileged(), "root (CAP_BPF/CAP_SYS_ADMIN + CAP_NET_ADMIN) to load BPF maps");
        small = DatapathMaps.load(Map.of("up_policy_slot0", 64, "up_policy_slot1", 64, "up_routes_v4", 5000));
    }

    @AfterAll
    static void close() {
        if (small != null) {
            small.close();
        }
    }

    static boolean isPrivileged() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    return ((caps & (1L << 39)) != 0 || (caps & (1L << 21)) != 0) && (caps & (1L << 12)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    @Test
    void batchUpdateOfAnLpmTrieThenIterateAndClear() {
        BpfMap routes = small.map("up_routes_v4");
        assertThat(routes.type()).isEqualTo(BpfMap.TYPE_LPM_TRIE);
        assertThat(routes.maxEntries()).isEqualTo(5000);
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            keys.add(new LpmKey(new IpPrefix(IpAddress.ofV4(0x0a000000 | (i << 8)), 24)).encode());
            values.add(U32Value.encode(i % 7));
        }
        routes.updateBatch(keys, values, 1000);
        assertThat(routes.keys()).hasSize(3000);
        assertThat(small.route(IpPrefix.parse("10.0.11.0/24"))).contains(11 % 7);
        assertThat(routes.clear()).isEqualTo(3000);
        assertThat(routes.keys()).isEmpty();
        assertThat(routes.lookup(keys.get(0))).isEmpty();
        assertThat(routes.delete(keys.get(0))).isFalse();
    }

    @Test
    void perCpuValuesAreSummedOverEveryPossibleCpu() {
        BpfMap stats = small.map("up_ep_stats");
        assertThat(stats.isPerCpu()).isTrue();
        int cpus = LibBpf.libbpf_num_possible_cpus();
        byte[] one = new byte[EndpointCounters.SIZE];
        one[0] = 1; // rx_packets = 1 on every CPU
        one[24] = 5; // tx_bytes (word 3) = 5 on every CPU
        stats.updatePerCpu(U32Value.encode(9), one);
        EndpointCounters c = small.endpointCounters(9);
        assertThat(c.rxPackets()).isEqualTo(cpus);
        assertThat(c.txBytes()).isEqualTo(5L * cpus);
        small.resetEndpointCounters(9);
        assertThat(small.endpointCounters(9).rxPackets()).isZero();
    }

    @Test
    void missingNamesCarryTheCapturedErrno() {
        assertThatThrownBy(() -> small.map("no_such_map"))
                .isInstanceOfSatisfying(BpfException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        assertThatThrownBy(() -> small.object().program("no_such_prog"))
                .isInstanceOfSatisfying(BpfException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        assertThatThrownBy(() -> BpfObject.open(new byte[] {1, 2, 3, 4}, "garbage"))
                .isInstanceOfSatisfying(BpfException.class, e -> {
                    assertThat(e.errno()).isPositive();
                    assertThat(e.getMessage()).contains("bpf_object__open_mem", "garbage");
                });
        assertThatThrownBy(() -> small.map("up_state").update(new byte[3], new byte[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key is 3 bytes, map wants 4");
    }

    @Test
    void compilerLimitsComeFromTheLoadedMapsAndOverflowIsRejectedBeforeAnythingChanges() {
        assertThat(small.limits().policyEntries()).isEqualTo(64);
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rules.add(Rule.allow(List.of(), List.of(PortMatch.tcp(1000 + 2 * i))));
        }
        PolicySet big = PolicySet.of(new Policy("big", dev.uniplane.api.LabelSelector.all(), rules, null));
        PolicyState before = small.policyState();
        List<PolicyCompiler.LocalEndpoint> eps = List.of(new PolicyCompiler.LocalEndpoint(1, dev.uniplane.api.Labels.of(),
                List.of(new PolicyCompiler.AddressIdentity(IpAddress.parse("10.0.0.1"), 300))));
        assertThatThrownBy(() -> small.applyPolicy(new PolicyCompiler(small.limits()).compile(big, eps, List.of())))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("up_policy_slot0/1 max_entries=64");
        assertThat(small.policyState()).isEqualTo(before);
        assertThat(small.map("up_policy_slot0").keys()).isEmpty();
        assertThat(small.map("up_policy_slot1").keys()).isEmpty();
    }

    @Test
    void pinAndReopenOnAPrivateBpffs() throws Exception {
        Path dir = Files.createTempDirectory("uph4-bpffs");
        int errno = Mounts.mountBpffs(dir.toString());
        assertThat(errno).as("mount -t bpf on %s", dir).isZero();
        try {
            assertThat(Mounts.isBpffsMounted(dir.toString())).isTrue();
            String path = dir + "/up_config";
            BpfMap config = small.map("up_config");
            config.pin(path);
            try (BpfMap reopened = BpfMap.openPinned(path, "up_config", BpfMap.TYPE_ARRAY, 4, config.valueSize(), 1)) {
                assertThat(reopened.lookup(U32Value.encode(0))).hasValueSatisfying(v ->
                        assertThat(v).isEqualTo(config.lookup(U32Value.encode(0)).orElseThrow()));
            }
            config.unpin(path);
            assertThat(Files.exists(Path.of(path))).isFalse();
        } finally {
            new ProcessBuilder("umount", dir.toString()).inheritIO().start().waitFor();
            Files.deleteIfExists(dir);
        }
    }
}
