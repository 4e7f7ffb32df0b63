package dev.uniplane.provider.dpdk;

import dev.uniplane.spi.ProbeHost;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The DPDK provider: a poll-mode dataplane in the JVM on DPDK 22.11 (ABI {@code DPDK_23}) through Panama FFM.
 * Not implemented yet (issue #7): {@link #probe()} checks the real prerequisites and, when all are present, still
 * reports the provider unavailable, so {@link #open} always throws {@link ProviderUnavailableException}.
 */
public final class DpdkProvider implements DataplaneProvider {
    /** The provider's name. */
    public static final String NAME = "dpdk";
    /** DPDK libraries the dataplane will link, versioned sonames (the unversioned links exist only with libdpdk-dev). */
    static final List<String> LIBRARIES = List.of("librte_eal.so.23", "librte_ethdev.so.23", "librte_mbuf.so.23", "librte_mempool.so.23");
    static final Availability NOT_IMPLEMENTED = Availability.unavailable(
            "dataplane not implemented yet in this release (tracked in issue #7)",
            "the prerequisites are present; use another provider until issue #7 is done");

    private final ProbeHost host;

    /** The provider as {@link java.util.ServiceLoader} creates it: probes this machine. Does no I/O. */
    public DpdkProvider() {
        this(ProbeHost.system());
    }

    DpdkProvider(ProbeHost host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "DPDK 22.11 poll-mode dataplane in the JVM (virtual devices: af_packet, memif) - not implemented yet";
    }

    /** What the DPDK dataplane is planned to declare; informational while it is not implemented. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.of(Capability.ATTACH_AF_PACKET, Capability.ATTACH_MEMIF, Capability.IPV4, Capability.ENDPOINT_STATS);
    }

    @Override
    public Availability probe() {
        try {
            return firstMissing().orElse(NOT_IMPLEMENTED);
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("probe failed: " + e, "report this as a bug of provider-" + NAME);
        }
    }

    private Optional<Availability> firstMissing() {
        for (String library : LIBRARIES) {
            if (!host.canLoadLibrary(library)) {
                return Optional.of(Availability.unavailable(
                        library + " is not loadable (SymbolLookup.libraryLookup failed): the DPDK 22.11 runtime is not installed",
                        "apt-get install dpdk"));
            }
        }
        return host.missingNetAdmin();
    }

    /** Always throws: the dataplane does not exist yet. */
    @Override
    public Dataplane open(DataplaneConfig config) {
        Objects.requireNonNull(config, "config");
        throw new ProviderUnavailableException(NAME, probe());
    }
}
