package dev.uniplane.provider.ebpf;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.linux.Errno;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.ProbingProvider;
import dev.uniplane.provider.ebpf.internal.host.Host;

/**
 * The eBPF provider, the embedded default (priority 100): tc (cls_bpf direct-action) programs on each workload's
 * host veth and on the uplink, loaded with libbpf 1.1.2 through Panama FFM. The datapath program, its maps, the Java
 * bindings and the policy compiler are in {@code internal.ffm} and {@code internal.program}; {@link EbpfDataplane}
 * attaches veths and wires routes, policy and stats.
 */
public final class EbpfProvider extends ProbingProvider {
    /** The provider's name. */
    public static final String NAME = "ebpf";
    /** Embedded default: preferred over every other available provider. */
    public static final int PRIORITY = 100;

    static final int CAP_NET_ADMIN = 12;
    static final int CAP_SYS_ADMIN = 21;
    static final int CAP_BPF = 39;
    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)");

    private final Host host;

    /** The provider as {@link java.util.ServiceLoader} creates it. Does no I/O. */
    public EbpfProvider() {
        this(Host.system());
    }

    EbpfProvider(Host host) {
        super(NAME, "eBPF tc datapath on veths (libbpf via FFM): routing with ECMP, stateful label/CIDR policy, "
                + "per-endpoint and per-rule counters, restart survival", PRIORITY,
                // Atomic policy apply is built in (double-buffered slots, one flip word).
                Capabilities.of(Capability.ATTACH_VETH, Capability.IPV4, Capability.IPV6, Capability.ECMP,
                        Capability.ROUTE_TO_ENDPOINT, Capability.ROUTE_DROP, Capability.POLICY, Capability.POLICY_CIDR_EXCEPT,
                        Capability.POLICY_PORT_RANGES, Capability.POLICY_SCTP, Capability.STATEFUL_POLICY,
                        Capability.REMOTE_ENDPOINTS, Capability.ENDPOINT_STATS, Capability.RULE_STATS, Capability.DROP_REASONS,
                        Capability.SOURCE_ADDRESS_CHECK, Capability.RESTART_SURVIVAL));
        this.host = Objects.requireNonNull(host, "host");
    }

    /** The sdk-api this provider was compiled against: the compiler writes the constant into this class. */
    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    /**
     * Checks, in order: libbpf.so.1, privileges (CAP_BPF or CAP_SYS_ADMIN, and CAP_NET_ADMIN), bpffs at
     * /sys/fs/bpf (mounted here when missing and privileged), kernel >= 5.10 (bpf_redirect_peer).
     */
    @Override
    protected Optional<Availability> firstMissing() {
        Optional<String> lib = host.libbpfFailure();
        if (lib.isPresent()) {
            return Optional.of(Availability.unavailable(lib.get(), "apt-get install libbpf1"));
        }
        long caps = host.effectiveCapabilities();
        boolean bpf = has(caps, CAP_BPF) || has(caps, CAP_SYS_ADMIN);
        if (!bpf || !has(caps, CAP_NET_ADMIN)) {
            String missing = !bpf && !has(caps, CAP_NET_ADMIN) ? "CAP_BPF and CAP_NET_ADMIN"
                    : !bpf ? "CAP_BPF (or CAP_SYS_ADMIN)" : "CAP_NET_ADMIN";
            return Optional.of(Availability.unavailable(
                    "not root: the process lacks " + missing + " (CapEff=" + Long.toHexString(caps) + ")",
                    "run as root, or grant CAP_BPF,CAP_NET_ADMIN (e.g. setcap or the container's capabilities)"));
        }
        if (!host.bpffsMounted()) {
            if (!has(caps, CAP_SYS_ADMIN)) {
                return Optional.of(Availability.unavailable("bpffs is not mounted at /sys/fs/bpf",
                        "mount -t bpf bpf /sys/fs/bpf"));
            }
            int errno = host.mountBpffs();
            if (errno != 0) {
                return Optional.of(Availability.unavailable("bpffs is not mounted at /sys/fs/bpf and mounting it failed: "
                        + Errno.name(errno) + " (" + errno + ")", "mount -t bpf bpf /sys/fs/bpf"));
            }
        }
        String release = host.kernelRelease();
        Matcher m = VERSION.matcher(release);
        if (!m.find()) {
            return Optional.of(Availability.unavailable("cannot parse the kernel release '" + release + "'",
                    "need Linux >= 5.10"));
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major < 5 || (major == 5 && minor < 10)) {
            return Optional.of(Availability.unavailable("kernel " + release + " is older than 5.10 (no bpf_redirect_peer)",
                    "upgrade to Linux >= 5.10"));
        }
        return Optional.empty();
    }

    private static boolean has(long caps, int cap) {
        return (caps & (1L << cap)) != 0;
    }

    @Override
    protected Dataplane openAvailable(DataplaneConfig config) {
        return EbpfDataplane.open(config, capabilities());
    }
}
