package dev.uniplane.provider.dpdk;

import dev.uniplane.spi.ProbeHost;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.ProbingProvider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The DPDK provider: a poll-mode dataplane in the JVM on DPDK 22.11 (ABI {@code DPDK_23}) through Panama FFM.
 * Not implemented yet (issue #7): {@link #probe()} checks the real prerequisites and, when all are present, still
 * reports the provider unavailable, so {@link #open} always throws {@link ProviderUnavailableException}.
 */
public final class DpdkProvider extends ProbingProvider {
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
        super(NAME, "DPDK 22.11 poll-mode dataplane in the JVM (virtual devices: af_packet, memif) - not implemented yet", 0,
                Capabilities.of(Capability.ATTACH_AF_PACKET, Capability.ATTACH_MEMIF, Capability.IPV4, Capability.ENDPOINT_STATS));
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    protected Optional<Availability> firstMissing() {
        for (String library : LIBRARIES) {
            if (!host.canLoadLibrary(library)) {
                return Optional.of(Availability.unavailable(
                        library + " is not loadable (SymbolLookup.libraryLookup failed): the DPDK 22.11 runtime is not installed",
                        "apt-get install dpdk"));
            }
        }
        return host.missingNetAdmin();
    }

    @Override
    protected Availability whenReady() {
        return NOT_IMPLEMENTED;
    }
}
