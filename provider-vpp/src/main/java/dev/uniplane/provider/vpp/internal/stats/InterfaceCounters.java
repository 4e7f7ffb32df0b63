package dev.uniplane.provider.vpp.internal.stats;

/**
 * Where an endpoint's packet counters come from: the host veth's kernel counters ({@link VethCounters}) or VPP's
 * stats segment ({@link SegmentCounters}, for memif endpoints, which have no kernel side).
 */
public interface InterfaceCounters {
    /**
     * The counters of one endpoint, from the workload's point of view ({@code tx} = sent by the workload).
     *
     * @param hostInterface the host end of the endpoint's veth (the af_packet interface's Linux side)
     * @param swIfIndex     its VPP interface
     */
    Counters read(String hostInterface, int swIfIndex);

    /** Packets and bytes each way, from the workload's point of view. */
    record Counters(long rxPackets, long rxBytes, long txPackets, long txBytes) {
        /** Nothing counted (an interface that is gone). */
        public static final Counters ZERO = new Counters(0, 0, 0, 0);
    }
}
