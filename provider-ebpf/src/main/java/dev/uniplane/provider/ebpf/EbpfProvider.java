package dev.uniplane.provider.ebpf;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.linux.Errno;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;

/**
 * The eBPF provider, the embedded default (priority 100): tc (cls_bpf direct-action) programs on each workload's
 * host veth and on the uplink, loaded with libbpf 1.1.2 through Panama FFM. The datapath program, its maps, the Java
 * bindings and the policy compiler exist ({@code internal.ffm}, {@code internal.maps}); the dataplane class that
 * attaches veths and wires routes and policy is pending (issue #5), so {@link #probe()} reports that last, after
 * every real prerequisite.
 */
public final class EbpfProvider implements DataplaneProvider {
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
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "eBPF tc datapath on veths (libbpf 1.1.2 via FFM): routing with ECMP, stateful label/CIDR policy, "
                + "per-endpoint and per-rule counters - dataplane wiring pending (issue #5)";
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** What the datapath implements (IPv4 and IPv6). Atomic policy apply is built in (double-buffered slots). */
    @Override
    public Capabilities capabilities() {
        return Capabilities.of(Capability.ATTACH_VETH, Capability.IPV4, Capability.IPV6, Capability.ECMP,
                Capability.ROUTE_TO_ENDPOINT, Capability.ROUTE_DROP, Capability.POLICY, Capability.POLICY_CIDR_EXCEPT,
                Capability.POLICY_PORT_RANGES, Capability.POLICY_SCTP, Capability.STATEFUL_POLICY,
                Capability.REMOTE_ENDPOINTS, Capability.ENDPOINT_STATS, Capability.RULE_STATS, Capability.DROP_REASONS,
                Capability.RESTART_SURVIVAL);
    }

    /**
     * Checks, in order: libbpf.so.1, privileges (CAP_BPF or CAP_SYS_ADMIN, and CAP_NET_ADMIN), bpffs at
     * /sys/fs/bpf (mounted here when missing and privileged), kernel >= 5.10 (bpf_redirect_peer). Never throws.
     */
    @Override
    public Availability probe() {
        try {
            return firstMissing().orElse(Availability.ok());
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("probe failed: " + e, "report this as a bug of provider-" + NAME);
        }
    }

    private Optional<Availability> firstMissing() {
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
    public Dataplane open(DataplaneConfig config) {
        Objects.requireNonNull(config, "config");
        Availability availability = probe();
        if (!availability.available()) {
            throw new ProviderUnavailableException(NAME, availability);
        }
        return EbpfDataplane.open(config, capabilities());
    }
}
