package dev.uniplane.tck;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DesiredState;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.tck.harness.Topology;
import dev.uniplane.tck.harness.Workload;
import dev.uniplane.tck.report.ConformanceReportExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of every verification class. A provider's test extends a verification class and supplies {@link #provider()}
 * (and optionally {@link #configure}); the kit builds a {@link Topology} per class, opens one dataplane on it (daemons
 * are shared per class), resets the dataplane after each test and destroys everything after the class.
 *
 * <p>Test names say the strength and the clause of {@code docs/semantics.md} they check:
 * {@code required_S<section>_<clause>_<what>} for the Core profile, {@code optional_...} for Extended
 * ({@link dev.uniplane.tck.report.SemanticsClause}). Waits scale with {@link dev.uniplane.tck.harness.KitTimeouts}. A test whose
 * capability the provider does not declare is skipped naming the capability. A missing privilege or an unavailable
 * provider skips too, except under {@code UNIPLANE_REQUIRE_ALL=1}, where it fails ({@link RequireAll}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ConformanceReportExtension.class)
public abstract class DataplaneVerification implements ConformanceReportExtension.ReportsConformance {
    private Topology topology;
    private Dataplane dataplane;
    private String missingPrerequisite;

    /** The provider under test (a fresh instance is fine). */
    protected abstract DataplaneProvider provider();

    /** Provider options for the kit's dataplane; the kit has set name, node netns and uplink already. */
    protected DataplaneConfig.Builder configure(DataplaneConfig.Builder config) {
        return config;
    }

    @Override
    public String providerName() {
        return provider().name();
    }

    @BeforeAll
    final void openDataplaneOnFreshTopology() {
        if (!isRoot()) {
            missingPrerequisite = "root privileges (network namespaces, links and the provider's backend need CAP_NET_ADMIN/CAP_SYS_ADMIN)";
            return;
        }
        Availability availability = provider().probe();
        if (!availability.available()) {
            missingPrerequisite = "provider " + providerName() + " unavailable: " + availability.describe();
            return;
        }
        topology = Topology.create();
        try {
            dataplane = openDataplane();
        } catch (RuntimeException e) {
            topology.close();
            topology = null;
            throw e;
        }
    }

    /** Opens a dataplane on the kit's topology with the kit's name; used again by restart tests. */
    protected final Dataplane openDataplane() {
        DataplaneConfig config = configure(DataplaneConfig.builder()
                .provider(providerName())
                .name(topology.prefix())
                .hostNetns(topology.nodeNetnsPath())
                .uplink(topology.uplink())).build();
        return provider().open(config);
    }

    @BeforeEach
    final void requirePrerequisites() {
        RequireAll.prerequisite(missingPrerequisite == null, missingPrerequisite);
        if (dataplane == null) {
            throw new IllegalStateException("the kit could not open a dataplane for " + providerName() + " (see the first failure)");
        }
    }

    @AfterEach
    final void resetDataplane() {
        if (dataplane != null) {
            // Back to empty between tests: the plan/apply path removes policies, routes, remotes and endpoints.
            dataplane.apply(dataplane.plan(DesiredState.empty()));
        }
    }

    @AfterAll
    final void destroyDataplaneAndTopology() {
        try {
            if (dataplane != null) {
                dataplane.destroy();
            }
        } finally {
            if (topology != null) {
                topology.close();
            }
        }
    }

    /** The dataplane under test. */
    protected final Dataplane dataplane() {
        return dataplane;
    }

    /** Replaces the dataplane (restart tests close it and open another on the same name). */
    protected final void replaceDataplane(Dataplane replacement) {
        this.dataplane = replacement;
    }

    protected final Topology topology() {
        return topology;
    }

    /** Skips the calling test (also under require-all: a capability is a declared choice) unless the provider has it. */
    protected final void requireCapability(Capability capability) {
        Assumptions.assumeTrue(dataplane.capabilities().has(capability),
                () -> "provider " + providerName() + " does not declare capability " + capability);
    }

    /** A fresh workload namespace, attached to the dataplane. */
    protected final Workload attachWorkload(String id, String... labels) {
        Workload w = newWorkload(id, labels);
        dataplane.attach(w.spec());
        return w;
    }

    /**
     * A fresh workload namespace and its spec, not attached: IPv6 too when the provider declares it, and the
     * kernel-interface attachment kinds the provider declares (VETH, AF_PACKET, AF_XDP, TAP, VF, in that order), so a
     * provider that only hands out SR-IOV VFs runs the attach areas too.
     */
    protected final Workload newWorkload(String id, String... labels) {
        return topology.workload(id, dataplane.capabilities().has(Capability.IPV6), attachKinds(), labels);
    }

    /** The attachment kinds the kit's workloads ask for. */
    protected List<AttachKind> attachKinds() {
        List<AttachKind> kinds = java.util.stream.Stream.of(AttachKind.VETH, AttachKind.AF_PACKET, AttachKind.AF_XDP, AttachKind.TAP, AttachKind.VF)
                .filter(k -> dataplane.capabilities().has(k.capability())).toList();
        return kinds.isEmpty() ? List.of(AttachKind.VETH) : kinds;
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
        return false;
    }
}
