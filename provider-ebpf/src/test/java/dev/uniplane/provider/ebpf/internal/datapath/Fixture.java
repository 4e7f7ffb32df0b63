package dev.uniplane.provider.ebpf.internal.datapath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.PolicySet;
import dev.uniplane.provider.ebpf.internal.ffm.BpfMap;
import dev.uniplane.provider.ebpf.internal.ffm.BpfTestRun;
import dev.uniplane.provider.ebpf.internal.ffm.LibBpf;
import dev.uniplane.provider.ebpf.internal.program.CompiledPolicy;
import dev.uniplane.provider.ebpf.internal.program.DatapathConfig;
import dev.uniplane.provider.ebpf.internal.program.DatapathMaps;
import dev.uniplane.provider.ebpf.internal.program.EndpointRecord;
import dev.uniplane.provider.ebpf.internal.program.PolicyCompiler;
import dev.uniplane.provider.ebpf.internal.program.PolicyState;
import dev.uniplane.provider.ebpf.internal.program.U32Value;
import dev.uniplane.tck.RequireAll;

/**
 * One loaded datapath object per test JVM (verification takes seconds), reset between tests, plus fake endpoints.
 * Nothing here creates links or namespaces: ifindexes are made up and only appear in maps and test-run contexts.
 */
final class Fixture {
    private static DatapathMaps maps;

    /** A fake local endpoint with one IPv4 and one IPv6 address. */
    record Ep(int index, int ifindex, IpAddress v4, IpAddress v6, MacAddress mac, MacAddress hostMac, int id4, int id6,
              Labels labels) {
        PolicyCompiler.LocalEndpoint compilerView() {
            return new PolicyCompiler.LocalEndpoint(index, labels, List.of(
                    new PolicyCompiler.AddressIdentity(v4, id4), new PolicyCompiler.AddressIdentity(v6, id6)));
        }
    }

    private Fixture() {
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                    boolean bpf = (caps & (1L << 39)) != 0 || (caps & (1L << 21)) != 0;
                    return bpf && (caps & (1L << 12)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    /** Skips (or fails under UNIPLANE_REQUIRE_ALL=1) unless libbpf and BPF privileges are here. */
    static void requireBpf() {
        RequireAll.prerequisite(LibBpf.loadFailure().isEmpty(), "libbpf.so.1 (apt-get install libbpf1): "
                + LibBpf.loadFailure().orElse(""));
        RequireAll.prerequisite(isRoot(), "root (CAP_BPF/CAP_SYS_ADMIN + CAP_NET_ADMIN) for loading BPF and BPF_PROG_TEST_RUN");
    }

    /** The shared datapath, emptied. */
    static synchronized DatapathMaps maps() {
        requireBpf();
        if (maps == null) {
            maps = DatapathMaps.load();
            Runtime.getRuntime().addShutdownHook(new Thread(maps::close));
        }
        reset(maps);
        return maps;
    }

    private static void reset(DatapathMaps m) {
        for (String name : List.of("up_endpoints", "up_ifindex", "up_routes_v4", "up_routes_v6", "up_policy_slot0",
                "up_policy_slot1", "up_ipcache_v4_slot0", "up_ipcache_v4_slot1", "up_ipcache_v6_slot0",
                "up_ipcache_v6_slot1", "up_ct")) {
            m.map(name).clear();
        }
        for (int g = 0; g < 8; g++) {
            m.clearNextHopGroup(g);
        }
        for (int i = 0; i < 16; i++) {
            m.resetEndpointCounters(i);
        }
        BpfMap rules = m.map("up_rule_stats");
        byte[] zero = new byte[8];
        for (int base : new int[] {0, rules.maxEntries() / 2}) {
            for (int id = 0; id < 64; id++) {
                rules.updatePerCpu(U32Value.encode(base + id), zero);
            }
        }
        m.map("up_state").update(U32Value.encode(0), new PolicyState(0, 0).encode());
        m.setConfig(new DatapathConfig(FlowTimeouts.DEFAULT, 0, 0));
    }

    static Ep endpoint(int index, String labels) {
        String[] kv = labels.isEmpty() ? new String[0] : labels.split("[=,]");
        return new Ep(index, 1000 + index, IpAddress.parse("10.0.0." + index), IpAddress.parse("fd00::" + index),
                MacAddress.parse(String.format("02:00:00:00:00:%02x", index)),
                MacAddress.parse(String.format("02:00:00:00:01:%02x", index)),
                256 + 2 * index, 257 + 2 * index, Labels.of(kv));
    }

    static void install(DatapathMaps m, Ep e) {
        m.putEndpointAddress(e.v4(), EndpointRecord.local(e.index(), e.ifindex(), e.mac(), e.hostMac(), e.id4()));
        m.putEndpointAddress(e.v6(), EndpointRecord.local(e.index(), e.ifindex(), e.mac(), e.hostMac(), e.id6()));
        m.putIfindex(e.ifindex(), e.index());
    }

    /** Compiles and applies {@code set} for the given local endpoints and remotes. */
    static CompiledPolicy apply(DatapathMaps m, PolicySet set, List<Ep> locals, List<PolicyCompiler.RemoteEndpoint> remotes) {
        List<PolicyCompiler.LocalEndpoint> views = new ArrayList<>();
        for (Ep e : locals) {
            views.add(e.compilerView());
        }
        CompiledPolicy c = new PolicyCompiler(m.limits()).compile(set, views, remotes);
        m.applyPolicy(c);
        return c;
    }

    /** A packet the workload behind {@code from} sends (host veth ingress). */
    static BpfTestRun.Result send(DatapathMaps m, Ep from, byte[] frame) {
        return BpfTestRun.run(m.fromEndpoint(), frame, 1, from.ifindex());
    }

    /** A packet arriving on the uplink. */
    static BpfTestRun.Result fromUplink(DatapathMaps m, byte[] frame) {
        return BpfTestRun.run(m.fromUplink(), frame, 1, 0);
    }

    /** A frame the workload {@code from} sends to {@code dst}: to the gateway MAC, from its own MAC. */
    static byte[] frameFrom(Ep from, IpAddress dst, int ttl, byte[] l4, int proto) {
        IpAddress src = dst.isV4() ? from.v4() : from.v6();
        return Packets.frame(from.hostMac(), from.mac(), src, dst, ttl, l4, proto);
    }
}
