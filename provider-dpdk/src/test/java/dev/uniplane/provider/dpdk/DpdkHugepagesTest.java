package dev.uniplane.provider.dpdk;

import dev.uniplane.tck.harness.DataplaneOnTopology;
import static org.assertj.core.api.Assertions.assertThat;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.EndpointId;
import dev.uniplane.provider.dpdk.internal.Prerequisites;
import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.EalArguments;
import dev.uniplane.provider.dpdk.internal.eal.EalConfig;
import dev.uniplane.tck.harness.EchoServer;
import dev.uniplane.tck.harness.Outcome;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Traffic;
import dev.uniplane.tck.harness.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hugepage EAL path ({@code dpdk.memory=hugepages} → {@code --in-memory}, memfd hugepages without a hugetlbfs
 * mount): reserves 2 MiB hugepages when too few are free (and puts {@code nr_hugepages} back afterwards), opens the
 * dataplane, attaches two veth workloads and passes ping and TCP between them; {@code HugePages_Free} must drop while
 * the dataplane is open, so EAL really took its memory from hugepages. Its own class: EAL starts once per JVM and
 * surefire forks per class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DpdkHugepagesTest {
    private static final Logger LOG = LoggerFactory.getLogger(DpdkHugepagesTest.class);
    private static final Path NR_HUGEPAGES = Path.of("/proc/sys/vm/nr_hugepages");
    private static final Path MEMINFO = Path.of("/proc/meminfo");
    /**
     * Free 2 MiB pages wanted before EAL starts: two 64 MiB LPM tbl24s during a table swap plus the 8191-mbuf pool
     * (~19 MiB) and EAL's own heap need ~96; the rest is headroom for other hugepage users on the box.
     */
    private static final long WANTED_FREE = 192;

    private long originalNrHugepages = -1;
    private long raisedTo = -1;
    private long freeBefore;
    private DataplaneOnTopology fixture;
    private Topology topology;
    private Dataplane dataplane;
    private Workload a;
    private Workload b;

    @BeforeAll
    void open() throws IOException {
        Prerequisites.root();
        Prerequisites.dpdkLibraries();
        reserveHugepages();
        freeBefore = EalArguments.freeHugePages(MEMINFO);
        fixture = DataplaneOnTopology.open(new DpdkProvider(), true, c -> c.option(DpdkDataplane.OPTION_MEMORY, "hugepages"));
        topology = fixture.topology;
        dataplane = fixture.dataplane;
        a = topology.workload("hp-a", false);
        b = topology.workload("hp-b", false);
        dataplane.attach(a.spec());
        dataplane.attach(b.spec());
    }

    @AfterAll
    void close() throws IOException {
        try {
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            restoreHugepages();
        }
    }

    @Test
    void ealRunsInMemoryOnHugepages() {
        Eal eal = Eal.running().orElseThrow();
        assertThat(eal.arguments().memory()).isEqualTo(EalConfig.Memory.HUGEPAGES);
        assertThat(eal.arguments().argv()).contains("--in-memory").doesNotContain("--no-huge");
        long freeNow = EalArguments.freeHugePages(MEMINFO);
        LOG.info("HugePages_Free {} before open, {} while open ({} pages = {} MiB in use by EAL and other users)", freeBefore,
                freeNow, freeBefore - freeNow, (freeBefore - freeNow) * 2);
        assertThat(freeNow).as("HugePages_Free while the dataplane is open (before: %d)", freeBefore).isLessThan(freeBefore);
    }

    @Test
    void pingAndTcpPassThroughTheRouter() {
        assertThat(Traffic.ping(a, b.ipv4()).outcome()).as("ping a -> b").isEqualTo(Outcome.DELIVERED);
        try (EchoServer server = Traffic.serve(b, 7711)) {
            assertThat(Traffic.tcp(a, b.ipv4(), 7711).outcome()).as("tcp a -> b:7711").isEqualTo(Outcome.DELIVERED);
        }
        assertThat(dataplane.stats().endpoint(EndpointId.of("hp-b")).rxPackets()).isPositive();
    }

    /** Raises {@code nr_hugepages} by what is missing to {@link #WANTED_FREE} free pages; other users keep theirs. */
    private void reserveHugepages() throws IOException {
        long free = EalArguments.freeHugePages(MEMINFO);
        if (free >= WANTED_FREE) {
            return;
        }
        originalNrHugepages = readNrHugepages();
        long target = originalNrHugepages + (WANTED_FREE - free);
        Files.writeString(NR_HUGEPAGES, Long.toString(target));
        raisedTo = readNrHugepages();
        LOG.info("nr_hugepages {} -> {} (asked {}), HugePages_Free now {}", originalNrHugepages, raisedTo, target,
                EalArguments.freeHugePages(MEMINFO));
        assertThat(EalArguments.freeHugePages(MEMINFO)).as("free hugepages after writing %d to %s", target, NR_HUGEPAGES)
                .isGreaterThanOrEqualTo(WANTED_FREE);
    }

    /**
     * One read of up to 64 bytes: on this kernel a sysctl file read in small pieces ends after the first one (measured:
     * {@code Files.readString} and {@code dd bs=1} both return "1" for 192).
     */
    private static long readNrHugepages() throws IOException {
        try (InputStream in = Files.newInputStream(NR_HUGEPAGES)) {
            byte[] buffer = new byte[64];
            int n = in.read(buffer);
            return Long.parseLong(new String(buffer, 0, Math.max(n, 0), StandardCharsets.US_ASCII).trim());
        }
    }

    /** Puts the old value back unless someone else changed it meanwhile. */
    private void restoreHugepages() throws IOException {
        if (originalNrHugepages < 0) {
            return;
        }
        long now = readNrHugepages();
        if (now == raisedTo) {
            Files.writeString(NR_HUGEPAGES, Long.toString(originalNrHugepages));
            LOG.info("nr_hugepages restored to {}", originalNrHugepages);
        } else {
            LOG.warn("nr_hugepages is {} (we set {}): someone else changed it, left as is", now, raisedTo);
        }
    }
}
