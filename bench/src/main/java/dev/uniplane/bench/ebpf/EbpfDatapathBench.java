package dev.uniplane.bench.ebpf;

import dev.uniplane.bench.Stats;
import static dev.uniplane.bench.ebpf.BenchSupport.addr;
import static dev.uniplane.bench.ebpf.BenchSupport.len;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.Labels;
import dev.uniplane.api.MacAddress;
import dev.uniplane.api.Peer;
import dev.uniplane.api.Policy;
import dev.uniplane.api.PolicySet;
import dev.uniplane.api.PortMatch;
import dev.uniplane.api.Rule;
import dev.uniplane.provider.ebpf.internal.ffm.BpfMap;
import dev.uniplane.provider.ebpf.internal.ffm.BpfObject;
import dev.uniplane.provider.ebpf.internal.ffm.BpfProgram;
import dev.uniplane.provider.ebpf.internal.ffm.BpfTestRun;
import dev.uniplane.provider.ebpf.internal.ffm.LibBpf;
import dev.uniplane.provider.ebpf.internal.program.CompiledPolicy;
import dev.uniplane.provider.ebpf.internal.program.DatapathMaps;
import dev.uniplane.provider.ebpf.internal.program.EndpointKey;
import dev.uniplane.provider.ebpf.internal.program.EndpointRecord;
import dev.uniplane.provider.ebpf.internal.program.LpmKey;
import dev.uniplane.provider.ebpf.internal.program.NextHopEntry;
import dev.uniplane.provider.ebpf.internal.program.NextHopGroup;
import dev.uniplane.provider.ebpf.internal.program.PolicyCompiler;
import dev.uniplane.provider.ebpf.internal.program.U32Value;

/**
 * BPF_PROG_TEST_RUN ns/packet of Uniplane's {@code from_endpoint} (loaded with {@link DatapathMaps#load}, maps filled
 * with the provider's Java encoders, a 10k-rule policy compiled by {@link PolicyCompiler}) next to the minimal
 * C-equivalent program {@code minimal.bpf.c} on the same packets and equivalent map contents, at several route
 * counts (random /24 and /32 IPv4 prefixes).
 *
 * <p>Cases (54-byte TCP SYN from endpoint a, TTL 255, repeat 250 because the TTL decrement mutates the packet):
 * <ul>
 * <li>{@code redirect-route}: destination inside a random /24 route whose next hop is the local endpoint b
 * (route LPM hit, ECMP group, MAC rewrite, TTL decrement, bpf_redirect_peer).</li>
 * <li>{@code redirect-ep}: destination = b's address (ours: endpoint hash hit, no route lookup; minimal: its /32 route).</li>
 * <li>{@code deny}: the {@code redirect-route} destination on TCP port 22, which the policy denies.</li>
 * <li>{@code no-route}: a destination no route covers.</li>
 * </ul>
 * Interleaved rounds (ours, minimal, alternating which goes first); the kernel's own per-run timer
 * ({@code duration}), best and median of the rounds. Then an ablation on the deny packet: the {@code abl_*} programs of
 * {@code minimal.bpf.c} add, cumulatively, pieces of from_endpoint's work (conntrack miss, ipcache LPM, repeated
 * endpoint lookups, counters), to attribute the difference.
 *
 * <p>Usage: {@code EbpfDatapathBench [routeCounts=10,10000,1000000] [rules=10000] [rounds=5] [repeat=250]}
 */
public final class EbpfDatapathBench {
    static final String MINIMAL_RESOURCE = "dev/uniplane/bench/ebpf/minimal.bpf.o";
    private static final int IDENTITY_WORLD = 2;
    private static final int GROUP = 1;
    private static final int LONG_REPEAT = 100_000;

    /** A fake local endpoint: the ifindexes exist only in maps and test-run contexts. */
    record Ep(int index, int ifindex, IpAddress v4, MacAddress mac, MacAddress hostMac, int identity, Labels labels) {
    }

    record Case(String name, byte[] frame, int expected, int repeat) {
    }

    private static final Ep A = new Ep(1, 1001, IpAddress.parse("10.0.0.1"), MacAddress.parse("02:00:00:00:00:01"),
            MacAddress.parse("02:00:00:00:01:01"), 258, Labels.of("app", "a"));
    private static final Ep B = new Ep(2, 1002, IpAddress.parse("10.0.0.2"), MacAddress.parse("02:00:00:00:00:02"),
            MacAddress.parse("02:00:00:00:01:02"), 260, Labels.of("app", "b"));

    private EbpfDatapathBench() {
    }

    public static void main(String[] args) throws Exception {
        int[] counts = Arrays.stream((args.length > 0 ? args[0] : "10,10000,1000000").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int rules = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int repeat = args.length > 3 ? Integer.parseInt(args[3]) : 250;
        BenchSupport.requireBpf();
        boolean haveMinimal = EbpfDatapathBench.class.getClassLoader().getResource(MINIMAL_RESOURCE) != null;
        if (!haveMinimal) {
            System.out.println("# " + MINIMAL_RESOURCE + " is not on the class path (built without clang): ours only");
        }

        System.out.printf(Locale.ROOT, "# EbpfDatapathBench routes=%s rules=%d rounds=%d repeat=%d, %s%n",
                Arrays.toString(counts), rules, rounds, repeat, BenchSupport.load());

        counts0 = counts[0];
        System.out.println("# objects: " + DatapathMaps.RESOURCE + " sha256 " + sha(DatapathMaps.RESOURCE) + ", " + MINIMAL_RESOURCE
                + " sha256 " + sha(MINIMAL_RESOURCE));
        // ---- the policy: compiled once (it does not depend on the routes)
        long t0 = System.nanoTime();
        PolicySet set = policy(rules);
        int ruleStats = Integer.highestOneBit(Math.max(16_384, 2 * (rules + 1)) - 1) << 1;
        PolicyCompiler.Limits limits = new PolicyCompiler.Limits(262_144, 65_536, ruleStats / 2 - 1);
        CompiledPolicy compiled = new PolicyCompiler(limits).compile(set, List.of(local(A), local(B)), List.of());
        System.out.printf(Locale.ROOT, "# policy: %d rules -> %d policy LPM entries, %d ipcache prefixes, compiled in %.1f s%n",
                rules, compiled.entries().size(), compiled.ipcache(IpFamily.IPV4).size(), (System.nanoTime() - t0) / 1e9);

        List<String> table = new ArrayList<>();
        table.add("| routes | case | verdict | repeat | ours best | ours median | minimal best | minimal median | ours/minimal (best) |");
        table.add("|---:|---|---|---:|---:|---:|---:|---:|---:|");
        List<String> ablationTable = new ArrayList<>();
        ablationTable.add("| routes | program (deny packet, repeat " + ABLATION_REPEAT + ") | ns best | ns median | Δ best |");
        ablationTable.add("|---:|---|---:|---:|---:|");
        for (int n : counts) {
            runCount(n, compiled, ruleStats, rounds, repeat, haveMinimal, table, ablationTable);
            System.gc();
            Thread.sleep(1500); // closing maps with many entries frees them in kworkers
        }
        System.out.println();
        System.out.println("## BPF_PROG_TEST_RUN ns/packet (kernel duration, best/median of " + rounds + " interleaved rounds, repeat "
                + repeat + "), " + BenchSupport.load());
        table.forEach(System.out::println);
        if (ablationTable.size() > 2) {
            System.out.println();
            System.out.println("## Ablation: where the deny path's time goes (best/median of " + 5 * rounds + " interleaved rounds)");
            ablationTable.forEach(System.out::println);
        }
    }

    /** 1 policy for a's egress: deny TCP 22 to 0.0.0.0/0, allow all to 0.0.0.0/0, then random /24 CIDRs on one port each. */
    static PolicySet policy(int rules) {
        Random rnd = new Random(42);
        List<Rule> list = new ArrayList<>(rules);
        list.add(Rule.deny(List.of(Peer.cidr("0.0.0.0/0")), List.of(PortMatch.tcp(22))));
        if (rules > 1) {
            list.add(Rule.allow(List.of(Peer.cidr("0.0.0.0/0")), List.of()));
        }
        java.util.Set<Integer> nets = new java.util.HashSet<>();
        while (list.size() < rules) {
            int net = rnd.nextInt() & 0xffffff00;
            int first = net >>> 24;
            if (first == 0 || first == 10 || first == 127 || first >= 224 || !nets.add(net)) {
                continue;
            }
            list.add(Rule.allow(List.of(new Peer.Cidr(new IpPrefix(IpAddress.ofV4(net), 24), List.of())),
                    List.of(PortMatch.tcp(1024 + list.size() % 60_000))));
        }
        return PolicySet.of(Policy.builder("bench-a-egress").selectLabels("app", "a").egress(list.toArray(Rule[]::new)).build());
    }

    static PolicyCompiler.LocalEndpoint local(Ep e) {
        return new PolicyCompiler.LocalEndpoint(e.index(), e.labels(), List.of(new PolicyCompiler.AddressIdentity(e.v4(), e.identity())));
    }

    private static int counts0 = -1;

    /** xlated/jited sizes as bpftool reports them (every loaded program of that name: other users' included). */
    private static void progInfo(String name) {
        try {
            Process p = new ProcessBuilder("bpftool", "prog", "show", "name", name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            java.util.Set<String> sizes = new java.util.TreeSet<>();
            for (String line : out.split("\n")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("xlated \\d+B\\s+jited \\d+B").matcher(line);
                if (m.find()) {
                    sizes.add(m.group().replaceAll("\\s+", " "));
                }
            }
            System.out.println("# bpftool prog show name " + name + ": " + sizes);
        } catch (Exception e) {
            System.out.println("# bpftool prog show name " + name + ": " + e);
        }
    }

    /** SHA-256 (first 16 hex digits) of a class-path resource: which object was measured. */
    static String sha(String resource) {
        try (java.io.InputStream in = EbpfDatapathBench.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return "missing";
            }
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            return java.util.HexFormat.of().formatHex(d).substring(0, 16);
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** The minimal program plus, cumulatively, pieces of from_endpoint's work (minimal.bpf.c, F_*). */
    static final List<String[]> ABLATION = List.of(
            new String[] {"minimal", "minimal"},
            new String[] {"abl_ct", "+ conntrack lookup (miss) + ktime"},
            new String[] {"abl_ct_ipc", "+ ipcache LPM for the destination identity"},
            new String[] {"abl_ct_ipc_ep", "+ destination endpoint hash, both endpoint lookups repeated"},
            new String[] {"abl_all", "+ per-CPU counters, generation word, flow hash"});

    private static final int ABLATION_REPEAT = 20_000;

    /**
     * The deny packet through ours and every ablation program, interleaved with a rotating order, 5 x {@code rounds}
     * short runs each (spread over time, so one burst of machine load does not hit all samples of one program).
     */
    private static void ablation(int n, DatapathMaps ours, BpfObject minimal, Case deny, int baseRounds, List<String> out) {
        int rounds = 5 * baseRounds;
        List<BpfProgram> progs = new ArrayList<>();
        for (String[] a : ABLATION) {
            BpfProgram prog = minimal.program(a[0]);
            check(a[0], deny, BpfTestRun.run(prog, deny.frame(), 1, A.ifindex()));
            progs.add(prog);
        }
        progs.add(ours.fromEndpoint());
        List<List<Double>> ns = new ArrayList<>();
        progs.forEach(x -> ns.add(new ArrayList<>()));
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < progs.size(); k++) {
                int i = (k + r) % progs.size();
                ns.get(i).add((double) BpfTestRun.run(progs.get(i), deny.frame(), ABLATION_REPEAT, A.ifindex()).durationNs());
            }
        }
        double prev = Double.NaN;
        for (int i = 0; i < progs.size(); i++) {
            double best = Stats.min(ns.get(i));
            String what = i < ABLATION.size() ? ABLATION.get(i)[1] + " (`" + ABLATION.get(i)[0] + "`)" : "ours (`from_endpoint`)";
            String line = String.format(Locale.ROOT, "| %,d | %s | %.0f | %.0f | %s |", n, what, best, Stats.median(ns.get(i)),
                    Double.isNaN(prev) ? "" : String.format(Locale.ROOT, "%+.0f", best - prev));
            System.out.println(line + "   raw " + ns.get(i));
            out.add(line);
            prev = best;
        }
    }

    private static void runCount(int n, CompiledPolicy compiled, int ruleStats, int rounds, int repeat, boolean haveMinimal,
                                 List<String> table, List<String> ablationTable) {
        long[] routes = BenchSupport.randomRoutes(n, 7L * n + 1);
        long[] sorted = routes.clone();
        Arrays.sort(sorted);
        Random rnd = new Random(n);
        // a /24 route for the routed destination (a /24 never contains one of our /32s by chance: checked)
        int dst;
        while (true) {
            long r = routes[rnd.nextInt(routes.length)];
            if (len(r) != 24) {
                if (routes.length == 1) {
                    throw new IllegalStateException("need at least 2 routes");
                }
                continue;
            }
            dst = addr(r) | 7;
            if (Arrays.binarySearch(sorted, (32L << 32) | (dst & 0xffffffffL)) < 0) {
                break;
            }
        }
        int unrouted;
        do {
            unrouted = rnd.nextInt();
            int first = unrouted >>> 24;
            if (first == 0 || first == 10 || first == 127 || first >= 224 || first == 169) {
                continue;
            }
            break;
        } while (true);
        while (BenchSupport.covered(sorted, unrouted)) {
            unrouted++;
        }
        IpAddress routed = IpAddress.ofV4(dst);
        IpAddress nowhere = IpAddress.ofV4(unrouted);
        List<Case> cases = List.of(
                new Case("redirect-route", frame(routed, 80), LibBpf.TC_ACT_REDIRECT, repeat),
                new Case("redirect-ep", frame(B.v4(), 80), LibBpf.TC_ACT_REDIRECT, repeat),
                new Case("deny", frame(routed, 22), LibBpf.TC_ACT_SHOT, repeat),
                new Case("no-route", frame(nowhere, 80), LibBpf.TC_ACT_SHOT, repeat),
                // drops do not modify the packet, so they can also run with a long repeat (less start-up share)
                new Case("deny", frame(routed, 22), LibBpf.TC_ACT_SHOT, LONG_REPEAT),
                new Case("no-route", frame(nowhere, 80), LibBpf.TC_ACT_SHOT, LONG_REPEAT));

        int capacity = Math.max(65_536, n + 16);
        long t0 = System.nanoTime();
        try (DatapathMaps ours = DatapathMaps.load(Map.of("up_routes_v4", capacity, "up_rule_stats", ruleStats));
             BpfObject minimal = haveMinimal ? BpfObject.openResource(EbpfDatapathBench.class.getClassLoader(), MINIMAL_RESOURCE)
                     .setMaxEntries("min_routes", capacity).load() : null) {
            fillOurs(ours, routes, compiled);
            long t1 = System.nanoTime();
            if (minimal != null) {
                fillMinimal(minimal, routes, compiled, routed);
            }
            System.out.printf(Locale.ROOT, "# %d routes: ours loaded+filled in %.1f s, minimal in %.1f s; routed dst %s, unrouted dst %s%n",
                    n, (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9, routed, nowhere);

            if (n == counts0) {
                progInfo("from_endpoint");
                if (minimal != null) {
                    progInfo("minimal");
                }
            }
            BpfProgram ourProg = ours.fromEndpoint();
            BpfProgram minProg = minimal == null ? null : minimal.program("minimal");
            Map<String, List<Double>> oursNs = new LinkedHashMap<>();
            Map<String, List<Double>> minNs = new LinkedHashMap<>();
            for (Case c : cases) { // warm-up + correctness check (the first ours run also creates the CT entry)
                check("ours", c, BpfTestRun.run(ourProg, c.frame(), c.repeat(), A.ifindex()));
                check("ours", c, BpfTestRun.run(ourProg, c.frame(), 1, A.ifindex()));
                if (minProg != null) {
                    check("minimal", c, BpfTestRun.run(minProg, c.frame(), 1, A.ifindex()));
                    check("minimal", c, BpfTestRun.run(minProg, c.frame(), c.repeat(), A.ifindex()));
                }
                oursNs.put(key(c), new ArrayList<>());
                minNs.put(key(c), new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                for (Case c : cases) {
                    boolean oursFirst = (r & 1) == 0;
                    for (int k = 0; k < 2; k++) {
                        boolean runOurs = (k == 0) == oursFirst;
                        if (runOurs) {
                            oursNs.get(key(c)).add((double) BpfTestRun.run(ourProg, c.frame(), c.repeat(), A.ifindex()).durationNs());
                        } else if (minProg != null) {
                            minNs.get(key(c)).add((double) BpfTestRun.run(minProg, c.frame(), c.repeat(), A.ifindex()).durationNs());
                        }
                    }
                }
            }
            for (Case c : cases) {
                List<Double> o = oursNs.get(key(c));
                List<Double> m = minNs.get(key(c));
                String verdict = c.expected() == LibBpf.TC_ACT_REDIRECT ? "REDIRECT" : "SHOT";
                String line = String.format(Locale.ROOT, "| %,d | %s | %s | %,d | %.0f | %.0f | %s | %s | %s |", n, c.name(), verdict, c.repeat(),
                        Stats.min(o), Stats.median(o),
                        m.isEmpty() ? "–" : String.format(Locale.ROOT, "%.0f", Stats.min(m)),
                        m.isEmpty() ? "–" : String.format(Locale.ROOT, "%.0f", Stats.median(m)),
                        m.isEmpty() ? "–" : String.format(Locale.ROOT, "%.2f", Stats.min(o) / Stats.min(m)));
                System.out.println(line + "   raw ours " + o + " minimal " + m);
                table.add(line);
            }
            if (minimal != null) {
                ablation(n, ours, minimal, cases.get(4), rounds, ablationTable);
            }
        }
    }

    private static String key(Case c) {
        return c.name() + "@" + c.repeat();
    }

    private static byte[] frame(IpAddress dst, int dport) {
        return BenchSupport.tcpSyn(A.hostMac(), A.mac(), A.v4(), dst, 255, 40000, dport);
    }

    private static void check(String who, Case c, BpfTestRun.Result r) {
        if (r.retval() != c.expected()) {
            throw new IllegalStateException(who + " " + c.name() + ": retval " + r.retval() + ", expected " + c.expected());
        }
        if (c.expected() == LibBpf.TC_ACT_REDIRECT) {
            byte[] out = r.dataOut();
            if (!BenchSupport.dstMac(out).equals(B.mac()) || !BenchSupport.ipv4ChecksumValid(out)
                    || BenchSupport.ttl(out) >= BenchSupport.ttl(c.frame())) {
                throw new IllegalStateException(who + " " + c.name() + ": redirected frame not rewritten as expected");
            }
        }
    }

    /** Endpoints, the ECMP group of b, the routes (batch) and the compiled policy, all through the provider's Java API. */
    private static void fillOurs(DatapathMaps m, long[] routes, CompiledPolicy compiled) {
        for (Ep e : List.of(A, B)) {
            m.putEndpointAddress(e.v4(), EndpointRecord.local(e.index(), e.ifindex(), e.mac(), e.hostMac(), e.identity()));
            m.putIfindex(e.ifindex(), e.index());
        }
        m.putNextHopGroup(GROUP, new NextHopGroup(List.of(NextHopEntry.endpoint(B.index(), B.ifindex(), B.mac(), B.hostMac(), 1))));
        List<byte[]> keys = new ArrayList<>(routes.length + 1);
        List<byte[]> values = new ArrayList<>(routes.length + 1);
        byte[] group = U32Value.encode(GROUP);
        for (long r : routes) {
            keys.add(new LpmKey(BenchSupport.prefix(r)).encode());
            values.add(group);
        }
        // b's /32 too, so both programs search identical tries (ours finds b in the endpoint hash first)
        keys.add(new LpmKey(IpPrefix.host(B.v4())).encode());
        values.add(group);
        m.map("up_routes_v4").updateBatch(keys, values, 4096);
        m.applyPolicy(compiled);
    }

    /** The same endpoints, routes (value = next hop + destination identity) and policy entries for the minimal program. */
    private static void fillMinimal(BpfObject o, long[] routes, CompiledPolicy compiled, IpAddress routed) {
        BpfMap eps = o.map("min_endpoints");
        for (Ep e : List.of(A, B)) {
            eps.update(new EndpointKey(e.v4()).encode(),
                    EndpointRecord.local(e.index(), e.ifindex(), e.mac(), e.hostMac(), e.identity()).encode());
        }
        BpfMap rt = o.map("min_routes");
        List<byte[]> keys = new ArrayList<>(routes.length + 1);
        List<byte[]> values = new ArrayList<>(routes.length + 1);
        List<CompiledPolicy.PrefixIdentity> ipcache = compiled.ipcache(IpFamily.IPV4);
        byte[] world = dest(rt.valueSize(), B, IDENTITY_WORLD);
        for (long r : routes) {
            IpPrefix p = BenchSupport.prefix(r);
            keys.add(new LpmKey(p).encode());
            // the identity ours would find in its ipcache, for the measured destination's route (others: WORLD)
            values.add(p.contains(routed) ? dest(rt.valueSize(), B, identityOf(ipcache, routed)) : world);
        }
        keys.add(new LpmKey(IpPrefix.host(B.v4())).encode());
        values.add(dest(rt.valueSize(), B, B.identity()));
        rt.updateBatch(keys, values, 4096);

        List<byte[]> pk = new ArrayList<>();
        List<byte[]> pv = new ArrayList<>();
        compiled.entries().forEach((k, v) -> {
            pk.add(k.encode());
            pv.add(v.encode());
        });
        o.map("min_policy").updateBatch(pk, pv, 4096);

        // only read by the ablation programs
        List<byte[]> ck = new ArrayList<>();
        List<byte[]> cv = new ArrayList<>();
        for (CompiledPolicy.PrefixIdentity p : ipcache) {
            ck.add(new LpmKey(p.prefix()).encode());
            cv.add(U32Value.encode(p.identity()));
        }
        o.map("min_ipcache").updateBatch(ck, cv, 4096);
        o.map("min_state").update(U32Value.encode(0), new byte[8]);
    }

    /** struct min_dest {u32 ifindex; u32 identity; u8 mac[6]; u8 host_mac[6];} in host order. */
    private static byte[] dest(int size, Ep e, int identity) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
        b.putInt(e.ifindex()).putInt(identity).put(e.mac().toBytes()).put(e.hostMac().toBytes());
        return b.array();
    }

    private static int identityOf(List<CompiledPolicy.PrefixIdentity> ipcache, IpAddress a) {
        int best = -1;
        int id = IDENTITY_WORLD;
        for (CompiledPolicy.PrefixIdentity p : ipcache) {
            if (p.prefix().contains(a) && p.prefix().length() > best) {
                best = p.prefix().length();
                id = p.identity();
            }
        }
        return id;
    }
}
