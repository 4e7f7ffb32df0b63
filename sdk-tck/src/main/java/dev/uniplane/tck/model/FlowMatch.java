package dev.uniplane.tck.model;

/** How a packet related to the flow table when it was evaluated. */
public enum FlowMatch {
    /** No live flow: the packet was evaluated against the policy set (and opened a flow if allowed and trackable). */
    NEW,
    /** A further packet of a live flow in the direction that opened it: passed without policy evaluation. */
    ORIGINAL,
    /** A packet of a live flow in the reverse direction (a reply): passed without policy evaluation. */
    REPLY,
    /** An ICMP error whose embedded packet belongs to a live flow: passed without policy evaluation. */
    RELATED;

    /** True when policy was not evaluated for this packet. */
    public boolean isTracked() {
        return this != NEW;
    }
}
