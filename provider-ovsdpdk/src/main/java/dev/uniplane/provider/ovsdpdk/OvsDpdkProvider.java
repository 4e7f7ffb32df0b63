package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.ProbeHost;
import dev.uniplane.spi.ProbingProvider;
import dev.uniplane.provider.ovsdpdk.internal.host.NetnsCommand;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The OVS-DPDK provider: a private Open vSwitch 3.1 instance with the userspace (netdev) datapath and DPDK, driven
 * over OVSDB JSON-RPC and OpenFlow 1.3. Workloads are veth pairs whose host end is a DPDK af_packet port; routing,
 * ECMP and drop counters are OpenFlow tables ({@link OvsDpdkDataplane}); stateful policy goes through OVS conntrack. The
 * private instance outlives the JVM, so a closed dataplane keeps forwarding and a later open adopts it (RESTART_SURVIVAL).
 */
public final class OvsDpdkProvider extends ProbingProvider {
    /** The provider's name. */
    public static final String NAME = "ovsdpdk";
    /** Below the embedded eBPF default (100): OVS-DPDK costs a daemon pair and ~340 MiB per dataplane. */
    public static final int PRIORITY = 40;
    /** The DPDK build of vswitchd; {@code /usr/sbin/ovs-vswitchd} is the non-DPDK one, so the provider runs this by full path. */
    static final String VSWITCHD_DPDK = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk";
    static final String OVSDB_SERVER = "/usr/sbin/ovsdb-server";
    static final String SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema";
    /** EAL loads PMDs from this directory; without the af_packet PMD every veth port fails with "failed to parse device". */
    static final String AF_PACKET_PMD = "/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_net_af_packet.so.23";
    static final String MEMPOOL_RING = "/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_mempool_ring.so.23";
    /** Starts vswitchd in the node namespace. */
    static final String NSENTER = NetnsCommand.NSENTER;
    /** Turns checksum/segmentation offloads off on the workload end (NOTES 4.3: TCP stalls through af_packet otherwise). */
    static final String ETHTOOL = NetnsCommand.ETHTOOL;
    /** Sets up the uplink shim ({@code UplinkShim}). */
    static final String TC = NetnsCommand.TC;

    /** A file the provider needs, whether it must be executable, and the package that ships it. */
    private record Required(String path, boolean executable, String what, String debianPackage) {
    }

    private static final List<Required> REQUIRED = List.of(
            new Required(VSWITCHD_DPDK, true, "the DPDK build of ovs-vswitchd", "openvswitch-switch-dpdk"),
            new Required(OVSDB_SERVER, true, "ovsdb-server", "openvswitch-common"),
            new Required(SCHEMA, false, "the Open_vSwitch database schema", "openvswitch-switch"),
            // Only Recommends of the dpdk package, so an install with --no-install-recommends lacks them.
            new Required(AF_PACKET_PMD, false, "the DPDK af_packet PMD", "librte-net-af-packet23"),
            new Required(MEMPOOL_RING, false, "the DPDK ring mempool driver", "librte-mempool-ring23"),
            new Required(NSENTER, true, "nsenter (runs vswitchd in the node namespace)", "util-linux"),
            new Required(ETHTOOL, true, "ethtool (offloads off on workload veths)", "ethtool"),
            new Required(TC, true, "tc (the uplink checksum shim)", "iproute2"));

    private final ProbeHost host;

    /** The provider as {@link java.util.ServiceLoader} creates it: probes this machine. Does no I/O. */
    public OvsDpdkProvider() {
        this(ProbeHost.system());
    }

    OvsDpdkProvider(ProbeHost host) {
        super(NAME, "Open vSwitch 3.1 userspace datapath with DPDK af_packet ports on veths (OVSDB + OpenFlow 1.3): "
                + "IPv4/IPv6 routing with flow-consistent ECMP and drop routes, stateful policy through conntrack with rule counters, "
                + "endpoint counters and drop reasons", PRIORITY,
                // Only what the conformance kit passes (README).
                Capabilities.of(Capability.ATTACH_VETH, Capability.ATTACH_AF_PACKET, Capability.IPV4, Capability.IPV6, Capability.ECMP,
                        Capability.ROUTE_TO_ENDPOINT, Capability.ROUTE_DROP, Capability.ENDPOINT_STATS,
                        Capability.DROP_REASONS, Capability.POLICY, Capability.STATEFUL_POLICY, Capability.POLICY_CIDR_EXCEPT,
                        Capability.POLICY_PORT_RANGES, Capability.POLICY_SCTP, Capability.REMOTE_ENDPOINTS, Capability.RULE_STATS,
                        Capability.SOURCE_ADDRESS_CHECK, Capability.RESTART_SURVIVAL));
        this.host = Objects.requireNonNull(host, "host");
    }

    /** The sdk-api this provider was compiled against: the compiler writes the constant into this class. */
    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    /** Checks the binaries, the DPDK plugins, nsenter/ethtool and CAP_NET_ADMIN, in that order. */
    @Override
    protected Optional<Availability> firstMissing() {
        for (Required r : REQUIRED) {
            boolean present = r.executable() ? host.isExecutable(r.path()) : host.exists(r.path());
            if (!present) {
                return Optional.of(Availability.unavailable(r.path() + " is missing (" + r.what() + ")",
                        "apt-get install " + r.debianPackage()));
            }
        }
        return host.missingNetAdmin();
    }

    @Override
    protected Dataplane openAvailable(DataplaneConfig config) {
        return OvsDpdkOpener.open(config, capabilities());
    }
}
