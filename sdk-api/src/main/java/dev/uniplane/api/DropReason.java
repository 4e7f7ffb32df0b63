package dev.uniplane.api;

/** Why a packet was dropped. */
public enum DropReason {
    /** A matching DENY rule. */
    POLICY_DENIED,
    /** The endpoint is isolated in that direction and no ALLOW rule matched. */
    POLICY_DEFAULT_DENY,
    /** No route matched, or a drop route did. */
    NO_ROUTE,
    /** TTL or hop limit reached 0. */
    TTL_EXCEEDED,
    /** Malformed or unparseable packet. */
    INVALID,
    /** Anything else the backend drops (queue full, no buffer, ...). */
    OTHER
}
