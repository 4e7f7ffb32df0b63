package com.example.linuxfib;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.ProbeHost;
import dev.uniplane.spi.ProbingProvider;
import java.util.Optional;
import java.util.Set;

/**
 * linuxfib: workloads on veth pairs, routes in the node namespace's kernel FIB, no policy. A small but real provider
 * to copy: the kit runs every area against it, and the policy areas are skipped naming {@code POLICY}.
 * <p>Extending {@link ProbingProvider} rather than implementing {@code DataplaneProvider} directly brings the SPI's
 * shared behaviour: a probe that never throws, {@code open} refused while unavailable, and one open dataplane per name
 * in a JVM (a second {@code open} of the same name is a {@code ConflictException}).
 */
public final class LinuxFibProvider extends ProbingProvider {
    /** What the kit passes; nothing more (no POLICY, no stats, no IPv6, no ECMP). */
    static final Capabilities CAPABILITIES = Capabilities.of(Capability.ATTACH_VETH, Capability.IPV4,
            Capability.ROUTE_TO_ENDPOINT, Capability.ROUTE_DROP, Capability.SOURCE_ADDRESS_CHECK);

    private final ProbeHost host;

    /** ServiceLoader's constructor: no I/O here, the machine is examined in {@link #probe()}. */
    public LinuxFibProvider() {
        this(ProbeHost.system());
    }

    /** For tests: the machine as the probe sees it. */
    LinuxFibProvider(ProbeHost host) {
        super("linuxfib", "Linux veth + kernel FIB (template third-party provider)", 0, CAPABILITIES);
        this.host = host;
    }

    @Override
    public String apiVersion() {
        return API_VERSION; // the Uniplane API this provider was compiled against
    }

    @Override
    protected Optional<Availability> firstMissing() {
        if (!host.exists("/proc/sys/net/ipv4/ip_forward")) {
            return Optional.of(Availability.unavailable("no IPv4 forwarding in this kernel (/proc/sys/net/ipv4/ip_forward)",
                    "use a Linux kernel with IPv4"));
        }
        return host.missingNetAdmin();
    }

    @Override
    protected Dataplane openAvailable(DataplaneConfig config) {
        config.rejectUnknownOptions(name(), Set.of());
        return LinuxFibDataplane.open(config);
    }
}
