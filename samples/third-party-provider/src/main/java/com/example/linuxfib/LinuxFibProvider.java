package com.example.linuxfib;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.DataplaneProvider;
import dev.uniplane.spi.ProbeHost;
import java.util.Set;

/**
 * linuxfib: workloads on veth pairs, routes in the node namespace's kernel FIB, no policy. A small but real provider
 * to copy: the kit runs every area against it, and the policy areas are skipped naming {@code POLICY}.
 */
public final class LinuxFibProvider implements DataplaneProvider {
    /** What the kit passes; nothing more (no POLICY, no stats, no IPv6, no ECMP). */
    static final Capabilities CAPABILITIES = Capabilities.of(Capability.ATTACH_VETH, Capability.IPV4,
            Capability.ROUTE_TO_ENDPOINT, Capability.ROUTE_DROP);

    /** ServiceLoader's constructor: no I/O here, the machine is examined in {@link #probe()}. */
    public LinuxFibProvider() {
    }

    @Override
    public String name() {
        return "linuxfib";
    }

    @Override
    public String description() {
        return "Linux veth + kernel FIB (template third-party provider)";
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public String apiVersion() {
        return API_VERSION; // the Uniplane API this provider was compiled against
    }

    @Override
    public Availability probe() {
        ProbeHost host = ProbeHost.system();
        if (!host.exists("/proc/sys/net/ipv4/ip_forward")) {
            return Availability.unavailable("no IPv4 forwarding in this kernel (/proc/sys/net/ipv4/ip_forward)", "use a Linux kernel with IPv4");
        }
        return host.missingNetAdmin().orElse(Availability.ok());
    }

    @Override
    public Dataplane open(DataplaneConfig config) {
        Availability availability = probe();
        if (!availability.available()) {
            throw new ProviderUnavailableException(name(), availability);
        }
        config.rejectUnknownOptions(name(), Set.of());
        return LinuxFibDataplane.open(config);
    }
}
