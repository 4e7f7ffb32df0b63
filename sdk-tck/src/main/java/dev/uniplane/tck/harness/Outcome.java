package dev.uniplane.tck.harness;

/** What happened to a probe. */
public enum Outcome {
    /** The request reached the server and its answer came back. */
    DELIVERED,
    /** The destination answered with a refusal (TCP RST, ICMP unreachable): the packet got there but nothing listened. */
    REFUSED,
    /** Nothing came back before the deadline: dropped somewhere. */
    TIMED_OUT
}
