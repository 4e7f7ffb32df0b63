package dev.uniplane.provider.dpdk;

import dev.uniplane.spi.ProbeHost;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.ProbingProvider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The DPDK provider: a poll-mode IPv4 router in the JVM on DPDK 22.11 (ABI {@code DPDK_23}) through Panama FFM, with
 * workloads attached over veth pairs whose host ends are AF_PACKET ports ({@link DpdkDataplane}). {@link #probe()}
 * checks the DPDK runtime libraries and CAP_NET_ADMIN. One open dataplane per JVM (EAL is a process singleton).
 */
public final class DpdkProvider extends ProbingProvider {
    /** The provider's name. */
    public static final String NAME = "dpdk";
    /** DPDK libraries the dataplane will link, versioned sonames (the unversioned links exist only with libdpdk-dev). */
    static final List<String> LIBRARIES = List.of("librte_eal.so.23", "librte_ethdev.so.23", "librte_mbuf.so.23", "librte_mempool.so.23");
    /**
     * What the dataplane does today, exactly what the kit verifies (the policy capabilities through PolicyVerification
     * and DifferentialPolicyVerification) plus ATTACH_MEMIF and ATTACH_VHOST_USER (a server-mode memif or vhost-user
     * vdev per endpoint for DPDK-native workloads, verified with dpdk-testpmd as the workload by DpdkSocketAttachTest).
     * ATTACH_VETH and ATTACH_AF_PACKET are the same attachment: the workload gets a veth pair whose host end the router
     * reads through an AF_PACKET port (the endpoint reports whichever kind the spec asked for first).
     */
    static final Capabilities CAPABILITIES = Capabilities.of(Capability.ATTACH_VETH, Capability.ATTACH_AF_PACKET, Capability.IPV4, Capability.IPV6, Capability.ECMP,
            Capability.ROUTE_TO_ENDPOINT, Capability.ROUTE_DROP, Capability.ENDPOINT_STATS, Capability.DROP_REASONS,
            Capability.POLICY, Capability.STATEFUL_POLICY, Capability.POLICY_CIDR_EXCEPT, Capability.POLICY_PORT_RANGES,
            Capability.POLICY_SCTP, Capability.REMOTE_ENDPOINTS, Capability.RULE_STATS, Capability.ATTACH_MEMIF, Capability.ATTACH_VHOST_USER,
            Capability.SOURCE_ADDRESS_CHECK);

    private final ProbeHost host;

    /** The provider as {@link java.util.ServiceLoader} creates it: probes this machine. Does no I/O. */
    public DpdkProvider() {
        this(ProbeHost.system());
    }

    DpdkProvider(ProbeHost host) {
        super(NAME, "DPDK 22.11 poll-mode IPv4 router in the JVM (workloads on AF_PACKET ports)", 0, CAPABILITIES);
        this.host = Objects.requireNonNull(host, "host");
    }

    /** The sdk-api this provider was compiled against: the compiler writes the constant into this class. */
    @Override
    public String apiVersion() {
        return API_VERSION;
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
        return Availability.ok();
    }

    @Override
    protected Dataplane openAvailable(DataplaneConfig config) {
        return DpdkDataplane.open(config, capabilities());
    }
}
