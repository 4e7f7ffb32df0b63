package dev.uniplane.api;

/** Traffic direction from the selected endpoint's point of view. */
public enum Direction {
    /** Traffic arriving at the endpoint. */
    INGRESS,
    /** Traffic leaving the endpoint. */
    EGRESS
}
