package dev.uniplane.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real kernel: a veth in a fresh namespace stands in for the uplink; {@code tc} and {@code ip} are the independent
 * checkers (and {@code tc} adds a filter of "someone else").
 */
class UplinkSnapshotTest {
    private String ns;
    private NetNs netns;
    private RtNetlink links;
    private String uplink;
    private int index;

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        Privileged.requireRoot();
        ns = "hupl" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
        uplink = ns + "u";
        netns = NetNs.create(ns);
        links = RtNetlink.open(netns);
        index = links.createVethPair(uplink, ns + "p", null).index();
        links.setUp(index, true);
        links.addAddress(index, InterfaceAddress.parse("10.254.9.1/24"));
    }

    @AfterEach
    void tearDown() {
        if (links != null) {
            links.close();
        }
        if (netns != null) {
            netns.close();
            NetNs.delete(ns);
        }
    }

    @Test
    void takeSeesQdiscsFiltersFlagsAndAddresses() throws Exception {
        UplinkSnapshot plain = UplinkSnapshot.take(links, uplink);
        assertThat(plain.index()).isEqualTo(index);
        assertThat(plain.hasClsact()).isFalse();
        assertThat(plain.addresses()).contains("10.254.9.1/24");
        assertThat(plain.flags() & UplinkSnapshot.IFF_UP).isNotZero();
        assertThat(plain.flags() & UplinkSnapshot.IFF_PROMISC).isZero();

        links.addClsact(index);
        links.addMatchAllFilter(index, QdiscInfo.CLSACT_INGRESS, 9);
        assertThat(tc("filter", "show", "dev", uplink, "ingress")).contains("filter protocol all pref 9 u32")
                .contains("flowid 1:1").contains("match 00000000/00000000 at 0");
        links.setFlags(index, UplinkSnapshot.IFF_PROMISC, UplinkSnapshot.IFF_PROMISC);
        UplinkSnapshot changed = UplinkSnapshot.take(links, uplink);

        assertThat(changed.hasClsact()).isTrue();
        assertThat(changed.filters()).isNotEmpty().allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo("u32");
            assertThat(f.priority()).isEqualTo(9);
            assertThat(f.parent()).isEqualTo(QdiscInfo.CLSACT_INGRESS);
        });
        assertThat(Privileged.ip("-n", ns, "link", "show", uplink)).contains("PROMISC");
        assertThat(plain.differencesTo(changed)).anyMatch(d -> d.contains("PROMISC"))
                .anyMatch(d -> d.startsWith("qdisc clsact") && d.endsWith("was added"))
                .anyMatch(d -> d.startsWith("tc filter u32 ingress pref 9"));
        assertThat(plain.differencesTo(UplinkSnapshot.take(links, uplink))).isNotEmpty();
        assertThat(changed.differencesTo(UplinkSnapshot.take(links, uplink))).isEmpty();
    }

    @Test
    void restoreRemovesAnEmptyClsactItDidNotSeeAndPutsFlagsAndMtuBack() throws Exception {
        UplinkSnapshot before = UplinkSnapshot.take(links, uplink);
        links.addClsact(index);
        links.setFlags(index, UplinkSnapshot.IFF_PROMISC | UplinkSnapshot.IFF_ALLMULTI,
                UplinkSnapshot.IFF_PROMISC | UplinkSnapshot.IFF_ALLMULTI);
        links.setMtu(index, 1400);

        assertThat(before.restore(links)).isEmpty();

        assertThat(UplinkSnapshot.take(links, uplink)).isEqualTo(before);
        assertThat(tc("qdisc", "show", "dev", uplink)).doesNotContain("clsact");
        assertThat(Privileged.ip("-n", ns, "link", "show", uplink)).doesNotContain("PROMISC").contains("mtu 1500");
    }

    @Test
    void restoreKeepsAClsactThatWasThereAndOneThatCarriesOthersFilters() throws Exception {
        links.addClsact(index);
        UplinkSnapshot withClsact = UplinkSnapshot.take(links, uplink);
        assertThat(withClsact.restore(links)).isEmpty();
        assertThat(tc("qdisc", "show", "dev", uplink)).contains("clsact");

        links.deleteClsact(index);
        UplinkSnapshot without = UplinkSnapshot.take(links, uplink);
        links.addClsact(index);
        tc("filter", "add", "dev", uplink, "egress", "pref", "9", "protocol", "all", "u32", "match", "u32", "0", "0",
                "classid", "1:1");
        assertThat(without.restore(links)).anyMatch(d -> d.startsWith("qdisc clsact"));
        assertThat(tc("filter", "show", "dev", uplink, "egress")).contains("pref 9 u32");
    }

    @Test
    void aRecordIsWrittenOnceRestoredOnceAndIgnoredForAnotherLink() {
        Path record = dir.resolve("dp.uplink.json");
        UplinkSnapshot first = UplinkSnapshot.recordOnce(record, links, uplink);
        assertThat(record).exists();
        // what an earlier instance changed is not "before" for the next open
        links.addClsact(index);
        links.setFlags(index, UplinkSnapshot.IFF_PROMISC, UplinkSnapshot.IFF_PROMISC);
        assertThat(UplinkSnapshot.recordOnce(record, links, uplink)).isEqualTo(first);

        UplinkSnapshot.restoreRecorded(record, links);
        assertThat(record).doesNotExist();
        assertThat(UplinkSnapshot.take(links, uplink)).isEqualTo(first);
        UplinkSnapshot.restoreRecorded(record, links); // nothing recorded: nothing happens

        // a record of a link that has been replaced since (another ifindex) is not this link's
        UplinkSnapshot.recordOnce(record, links, uplink);
        links.deleteLink(index);
        int again = links.createVethPair(uplink, ns + "p", null).index();
        links.addClsact(again);
        assertThat(UplinkSnapshot.recordOnce(record, links, uplink).hasClsact()).isTrue();
    }

    @Test
    void aSnapshotSurvivesItsJsonRecord() throws IOException {
        links.addClsact(index);
        Path record = dir.resolve("r.json");
        UplinkSnapshot taken = UplinkSnapshot.recordOnce(record, links, uplink);
        assertThat(Files.readString(record)).contains("clsact");
        assertThat(dev.uniplane.spi.StateFiles.read(record, UplinkSnapshot.class)).contains(taken);
    }

    private String tc(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 5];
        cmd[0] = "ip";
        cmd[1] = "netns";
        cmd[2] = "exec";
        cmd[3] = ns;
        cmd[4] = "tc";
        System.arraycopy(args, 0, cmd, 5, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("tc %s: %s", String.join(" ", args), out).isZero();
        return out;
    }
}
