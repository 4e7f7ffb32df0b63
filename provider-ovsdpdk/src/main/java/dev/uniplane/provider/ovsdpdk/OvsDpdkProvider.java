package dev.uniplane.provider.ovsdpdk;

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
 * The OVS-DPDK provider: a private Open vSwitch 3.1 instance with the userspace (netdev) datapath and DPDK, driven
 * over OVSDB JSON-RPC and OpenFlow 1.3. Not implemented yet (issue #6): {@link #probe()} checks the real
 * prerequisites and, when all are present, still reports the provider unavailable, so {@link #open} always throws
 * {@link ProviderUnavailableException}.
 */
public final class OvsDpdkProvider implements DataplaneProvider {
    /** The provider's name. */
    public static final String NAME = "ovsdpdk";
    /** The DPDK build of vswitchd; {@code /usr/sbin/ovs-vswitchd} is the non-DPDK one, so the provider runs this by full path. */
    static final String VSWITCHD_DPDK = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk";
    static final String OVSDB_SERVER = "/usr/sbin/ovsdb-server";
    static final String SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema";
    /** EAL loads PMDs from this directory; without the af_packet PMD every veth port fails with "failed to parse device". */
    static final String AF_PACKET_PMD = "/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_net_af_packet.so.23";
    static final String MEMPOOL_RING = "/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_mempool_ring.so.23";
    static final Availability NOT_IMPLEMENTED = Availability.unavailable(
            "dataplane not implemented yet in this release (tracked in issue #6)",
            "the prerequisites are present; use another provider until issue #6 is done");

    /** A file the provider needs, whether it must be executable, and the package that ships it. */
    private record Required(String path, boolean executable, String what, String debianPackage) {
    }

    private static final List<Required> REQUIRED = List.of(
            new Required(VSWITCHD_DPDK, true, "the DPDK build of ovs-vswitchd", "openvswitch-switch-dpdk"),
            new Required(OVSDB_SERVER, true, "ovsdb-server", "openvswitch-common"),
            new Required(SCHEMA, false, "the Open_vSwitch database schema", "openvswitch-switch"),
            // Only Recommends of the dpdk package, so an install with --no-install-recommends lacks them.
            new Required(AF_PACKET_PMD, false, "the DPDK af_packet PMD", "librte-net-af-packet23"),
            new Required(MEMPOOL_RING, false, "the DPDK ring mempool driver", "librte-mempool-ring23"));

    private final ProbeHost host;

    /** The provider as {@link java.util.ServiceLoader} creates it: probes this machine. Does no I/O. */
    public OvsDpdkProvider() {
        this(ProbeHost.system());
    }

    OvsDpdkProvider(ProbeHost host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Open vSwitch 3.1 userspace datapath with DPDK (OVSDB + OpenFlow 1.3) - not implemented yet";
    }

    /** What the OVS-DPDK dataplane is planned to declare; informational while it is not implemented. */
    @Override
    public Capabilities capabilities() {
        return Capabilities.of(Capability.ATTACH_AF_PACKET, Capability.ATTACH_AF_XDP, Capability.ATTACH_TAP,
                Capability.IPV4, Capability.IPV6, Capability.ENDPOINT_STATS);
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
        for (Required r : REQUIRED) {
            boolean present = r.executable() ? host.isExecutable(r.path()) : host.exists(r.path());
            if (!present) {
                return Optional.of(Availability.unavailable(r.path() + " is missing (" + r.what() + ")",
                        "apt-get install " + r.debianPackage()));
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
