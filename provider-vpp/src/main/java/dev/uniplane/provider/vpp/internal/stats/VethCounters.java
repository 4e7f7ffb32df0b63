package dev.uniplane.provider.vpp.internal.stats;

import dev.uniplane.linux.LinkStats;
import dev.uniplane.linux.RtNetlink;

/**
 * Endpoint counters from the kernel counters of the host veth end: it counts exactly what VPP's af_packet interface
 * received from the workload (the host end's rx) and sent to it (its tx).
 */
public final class VethCounters implements InterfaceCounters {
    private final RtNetlink nodeLinks;

    /** Reads links through {@code nodeLinks} (a socket of the node namespace). */
    public VethCounters(RtNetlink nodeLinks) {
        this.nodeLinks = nodeLinks;
    }

    @Override
    public Counters read(String hostInterface, int swIfIndex) {
        return nodeLinks.findLink(hostInterface).map(link -> {
            LinkStats s = link.stats();
            return new Counters(s.txPackets(), s.txBytes(), s.rxPackets(), s.rxBytes());
        }).orElse(Counters.ZERO);
    }
}
