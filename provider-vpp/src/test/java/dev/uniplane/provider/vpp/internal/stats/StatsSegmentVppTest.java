package dev.uniplane.provider.vpp.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.IpAddress;
import dev.uniplane.provider.vpp.internal.LiveVpp;
import dev.uniplane.provider.vpp.internal.wire.Messages;
import dev.uniplane.provider.vpp.internal.wire.Messages.AclRule;
import dev.uniplane.provider.vpp.internal.wire.Messages.Prefix;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Traffic;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stats segment reader against the real VPP: a workload pings VPP through its af_packet interface so that the
 * counters move, and every value read must equal what VPP's own reader ({@code bin/vpp_get_stats}) prints.
 */
class StatsSegmentVppTest {
    private static LiveVpp vpp;
    private static LiveVpp.Workload workload;
    private static StatsSegment stats;

    @BeforeAll
    static void start() throws Exception {
        vpp = LiveVpp.start();
        try {
            workload = vpp.attach("a", 1);
            stats = StatsSegment.open(vpp.statsSocket());
        } catch (Throwable e) {
            stop();
            throw e;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (stats != null) {
            stats.close();
            stats = null;
        }
        if (vpp != null) {
            vpp.close();
            vpp = null;
        }
    }

    /** {@code vpp_get_stats dump <regex>}: lines {@code [index @ thread]: N packets[, M bytes] name}. */
    private static String vppGetStats(String regex) throws Exception {
        return vpp.sh(vpp.home().resolve("bin/vpp_get_stats").toString(), "socket-name", vpp.statsSocket().toString(),
                "dump", regex);
    }

    /** The packets (group 1) and bytes (group 2, may be null) of {@code index} summed over threads. */
    private static long[] parse(String dump, int index, String name) {
        Pattern line = Pattern.compile("\\[" + index + " @ \\d+\\]: (\\d+) packets(?:, (\\d+) bytes)? " + Pattern.quote(name));
        long packets = 0;
        long bytes = 0;
        Matcher m = line.matcher(dump);
        boolean found = false;
        while (m.find()) {
            found = true;
            packets += Long.parseLong(m.group(1));
            bytes += m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        }
        assertThat(found).as("%s[%d] in:%n%s", name, index, dump).isTrue();
        return new long[] {packets, bytes};
    }

    @Test
    void interfaceCountersMoveWithTrafficAndEqualVppGetStats() throws Exception {
        int sw = workload.swIfIndex();
        StatsSegment.CombinedCounter before = stats.combinedCounter("/if/rx").orElseThrow();
        for (int i = 0; i < 3; i++) {
            assertThat(Traffic.ping(workload, IpAddress.parse(workload.gateway4())).outcome())
                    .isEqualTo(Outcome.DELIVERED);
        }
        StatsSegment.CombinedCounter rx = stats.combinedCounter("/if/rx").orElseThrow();
        StatsSegment.CombinedCounter tx = stats.combinedCounter("/if/tx").orElseThrow();
        assertThat(rx.packets(sw) - before.packets(sw)).isGreaterThanOrEqualTo(3);
        assertThat(tx.packets(sw)).isGreaterThanOrEqualTo(3);
        assertThat(rx.bytes(sw)).isGreaterThanOrEqualTo(rx.packets(sw) * 42);

        // Traffic has stopped (a stray ND or ARP packet may still come: compare between two reads of ours).
        long[] theirsRx = parse(vppGetStats("^/if/rx$"), sw, "/if/rx");
        long[] theirsTx = parse(vppGetStats("^/if/tx$"), sw, "/if/tx");
        StatsSegment.CombinedCounter rxAfter = stats.combinedCounter("/if/rx").orElseThrow();
        StatsSegment.CombinedCounter txAfter = stats.combinedCounter("/if/tx").orElseThrow();
        assertThat(theirsRx[0]).isBetween(rx.packets(sw), rxAfter.packets(sw));
        assertThat(theirsRx[1]).isBetween(rx.bytes(sw), rxAfter.bytes(sw));
        assertThat(theirsTx[0]).isBetween(tx.packets(sw), txAfter.packets(sw));
        assertThat(theirsTx[1]).isBetween(tx.bytes(sw), txAfter.bytes(sw));
        assertThat(stats.simpleCounter("/if/drops").orElseThrow().total(sw))
                .isEqualTo(parse(vppGetStats("^/if/drops$"), sw, "/if/drops")[0]);
    }

    @Test
    void interfaceNamesAreIndexedBySwIfIndex() {
        List<String> names = stats.nameVector("/if/names").orElseThrow();
        assertThat(names.get(0)).isEqualTo("local0");
        assertThat(names.get(workload.swIfIndex())).isEqualTo("host-" + workload.hostIf());
        assertThat(stats.names()).contains("/if/rx", "/if/tx", "/if/drops", "/if/names", "/sys/heartbeat",
                "/interfaces/host-" + workload.hostIf() + "/rx");
    }

    @Test
    void errorCountersAndLinksResolveToTheirCounter() throws Exception {
        // VPP counts the echo replies it sends in an error counter of ip4-icmp-input.
        String name = stats.names().stream().filter(n -> n.startsWith("/err/ip4-icmp-input/") && n.contains("echo"))
                .findFirst().orElseThrow(() -> new AssertionError("no ip4-icmp-input echo counter in " + stats.names()));
        long ours = stats.counter(name).orElseThrow();
        assertThat(ours).isGreaterThanOrEqualTo(0);
        Traffic.ping(workload, IpAddress.parse(workload.gateway4()));
        long after = stats.counter(name).orElseThrow();
        assertThat(after).isGreaterThan(ours);
        assertThat(parse(vppGetStats("^" + name + "$"), 0, name)[0]).isEqualTo(after);
        // A per-interface link into a combined counter reads its packets.
        String link = "/interfaces/host-" + workload.hostIf() + "/rx";
        long linked = stats.counter(link).orElseThrow();
        assertThat(linked).isBetween(1L, stats.combinedCounter("/if/rx").orElseThrow().packets(workload.swIfIndex()));
    }

    @Test
    void aclMatchCountersCountPerAce() throws Exception {
        var client = vpp.client();
        client.call(new Messages.AclStatsIntfCountersEnable(true));
        IpAddress gateway = IpAddress.parse(workload.gateway4());
        int acl = client.call(new Messages.AclAddReplace(Messages.ALL_ONES, "uva-stats", List.of(
                AclRule.of(Messages.ACL_PERMIT, Prefix.any(false), new Prefix(gateway.toInetAddress(), 32), 1),
                AclRule.of(Messages.ACL_PERMIT, Prefix.any(false), Prefix.any(false), 0))));
        client.call(new Messages.AclInterfaceSetAclList(workload.swIfIndex(), List.of(acl), List.of()));
        try {
            for (int i = 0; i < 2; i++) {
                Traffic.ping(workload, gateway);
            }
            StatsSegment.CombinedCounter matches = stats.combinedCounter("/acl/" + acl + "/matches").orElseThrow();
            assertThat(matches.packets(0)).isEqualTo(2);
            long[] theirs = parse(vppGetStats("^/acl/" + acl + "/matches$"), 0, "/acl/" + acl + "/matches");
            assertThat(matches.packets(0)).isEqualTo(theirs[0]);
            assertThat(matches.bytes(0)).isEqualTo(theirs[1]).isGreaterThanOrEqualTo(2 * 28);
            assertThat(matches.packets(1)).isZero();
        } finally {
            client.call(new Messages.AclInterfaceSetAclList(workload.swIfIndex(), List.of(), List.of()));
            client.call(new Messages.AclDel(acl));
        }
    }
}
