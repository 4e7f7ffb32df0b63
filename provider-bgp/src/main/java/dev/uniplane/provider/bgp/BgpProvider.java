package dev.uniplane.provider.bgp;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.ProbeHost;
import dev.uniplane.spi.ProbingProvider;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The BGP provider, kube-router style: workloads on veths, routes in the node namespace's kernel FIB (written through
 * sdk-linux's batched rtnetlink), routes exchanged with peers by a gobgpd per dataplane that it drives over gRPC, and
 * policy in nftables. {@link BgpDataplane} does the work; the options are {@code bgp.*}
 * ({@link dev.uniplane.provider.bgp.internal.daemon.BgpOptions}).
 */
public final class BgpProvider extends ProbingProvider {
    /** The provider's name. */
    public static final String NAME = "bgp";
    /** The nftables library the policy program loads through FFM (package {@code libnftables1}). */
    static final String LIBNFTABLES = "libnftables.so.1";

    /** What the routed dataplane does without nftables (IPv4 anti-spoofing is the kernel's strict rp_filter). */
    static final Set<Capability> ROUTING = Set.of(Capability.ATTACH_VETH, Capability.IPV4, Capability.ECMP,
            Capability.ROUTE_TO_ENDPOINT, Capability.ROUTE_DROP, Capability.ENDPOINT_STATS, Capability.SOURCE_ADDRESS_CHECK);

    /**
     * What the nftables policy program adds: policy, its counters and drop reasons; IPv6 (the dataplane routes IPv6
     * already, but the kernel has no reverse-path filter for IPv6, so IPv6 anti-spoofing needs the program's per
     * endpoint source check); restart survival (the kit's Restart area applies a policy, so it can only pass with
     * POLICY). The dataplane calls {@code internal.program.NftPolicyProgram} only while POLICY is declared.
     */
    static final Set<Capability> POLICY = Set.of(Capability.POLICY, Capability.POLICY_CIDR_EXCEPT,
            Capability.POLICY_PORT_RANGES, Capability.POLICY_SCTP, Capability.STATEFUL_POLICY, Capability.REMOTE_ENDPOINTS,
            Capability.RULE_STATS, Capability.DROP_REASONS, Capability.IPV6, Capability.RESTART_SURVIVAL);

    /** The one switch for everything in {@link #POLICY}: on, every kit area passes with it. */
    static final boolean NFT_POLICY = true;

    /** What this build declares. */
    static final Capabilities CAPABILITIES = capabilities(NFT_POLICY);

    private final ProbeHost host;

    /** The provider as {@link java.util.ServiceLoader} creates it: probes this machine. Does no I/O. */
    public BgpProvider() {
        this(ProbeHost.system());
    }

    BgpProvider(ProbeHost host) {
        super(NAME, "kernel FIB routing for veth workloads, routes exchanged over BGP by GoBGP (gRPC), policy in nftables",
                0, CAPABILITIES);
        this.host = Objects.requireNonNull(host, "host");
    }

    static Capabilities capabilities(boolean withPolicy) {
        EnumSet<Capability> set = EnumSet.copyOf(ROUTING);
        if (withPolicy) {
            set.addAll(POLICY);
        }
        return Capabilities.of(set.toArray(Capability[]::new));
    }

    /** The sdk-api this provider was compiled against: the compiler writes the constant into this class. */
    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    /** Checks, in order: the gobgpd binary, libnftables.so.1, CAP_NET_ADMIN. */
    @Override
    protected Optional<Availability> firstMissing() {
        if (host.findCommand("gobgpd").isEmpty()) {
            return Optional.of(Availability.unavailable("gobgpd is not installed (no gobgpd on PATH)",
                    "apt-get install gobgpd"));
        }
        if (!host.canLoadLibrary(LIBNFTABLES)) {
            return Optional.of(Availability.unavailable(LIBNFTABLES + " cannot be loaded (the nftables library)",
                    "apt-get install libnftables1"));
        }
        return host.missingNetAdmin();
    }

    @Override
    protected Dataplane openAvailable(DataplaneConfig config) {
        return BgpDataplane.open(config, capabilities());
    }
}
