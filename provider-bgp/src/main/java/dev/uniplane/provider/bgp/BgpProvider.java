package dev.uniplane.provider.bgp;

import dev.uniplane.spi.ProbeHost;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;
import dev.uniplane.spi.ProbingProvider;
import java.util.Objects;
import java.util.Optional;

/**
 * The BGP provider: kernel routing for veth-attached workloads, with routes exchanged by a BGP daemon (GoBGP or
 * FRR's bgpd). Not implemented yet (no issue filed): {@link #probe()} checks the real prerequisites and, when all are
 * present, still reports the provider unavailable, so {@link #open} always throws {@link ProviderUnavailableException}.
 */
public final class BgpProvider extends ProbingProvider {
    /** The provider's name. */
    public static final String NAME = "bgp";
    /** FRR's BGP daemon (package {@code frr}); not on PATH. */
    static final String FRR_BGPD = "/usr/lib/frr/bgpd";
    static final Availability NOT_IMPLEMENTED = Availability.unavailable(
            "dataplane not implemented yet in this release",
            "a BGP daemon is installed; use another provider until the BGP dataplane is implemented");

    private final ProbeHost host;

    /** The provider as {@link java.util.ServiceLoader} creates it: probes this machine. Does no I/O. */
    public BgpProvider() {
        this(ProbeHost.system());
    }

    BgpProvider(ProbeHost host) {
        super(NAME, "kernel routing with BGP route exchange (GoBGP or FRR bgpd) - not implemented yet", 0,
                Capabilities.of(Capability.ATTACH_VETH, Capability.IPV4, Capability.IPV6, Capability.ECMP));
        this.host = Objects.requireNonNull(host, "host");
    }

    /** The sdk-api this provider was compiled against: the compiler writes the constant into this class. */
    @Override
    public String apiVersion() {
        return API_VERSION;
    }

    @Override
    protected Optional<Availability> firstMissing() {
        boolean gobgp = host.findCommand("gobgpd").isPresent();
        boolean frr = host.isExecutable(FRR_BGPD);
        if (!gobgp && !frr) {
            return Optional.of(Availability.unavailable(
                    "no BGP daemon: neither gobgpd nor FRR's " + FRR_BGPD + " is installed",
                    "apt-get install gobgpd (or: apt-get install frr)"));
        }
        return host.missingNetAdmin();
    }

    @Override
    protected Availability whenReady() {
        return NOT_IMPLEMENTED;
    }
}
