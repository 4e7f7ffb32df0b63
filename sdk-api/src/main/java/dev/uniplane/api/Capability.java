package dev.uniplane.api;

/** What a provider can do. A call needing a capability the provider lacks throws {@link UnsupportedCapabilityException}. */
public enum Capability {
    ATTACH_VETH,
    ATTACH_TAP,
    ATTACH_AF_PACKET,
    ATTACH_AF_XDP,
    ATTACH_MEMIF,
    ATTACH_VHOST_USER,
    ATTACH_VF,
    /** IPv4 endpoints, routes and policy. */
    IPV4,
    /** IPv6 endpoints, routes and policy. */
    IPV6,
    /** Routes with more than one next hop. */
    ECMP,
    /** Routes whose next hop is a local endpoint. */
    ROUTE_TO_ENDPOINT,
    /** Blackhole routes. */
    ROUTE_DROP,
    /** {@link Dataplane#applyPolicies}: label/CIDR/port rules, deny overrides allow. */
    POLICY,
    /** CIDR peers with {@code except} prefixes. */
    POLICY_CIDR_EXCEPT,
    /** Port ranges wider than one port. */
    POLICY_PORT_RANGES,
    /** SCTP in port rules. */
    POLICY_SCTP,
    /** Connection tracking: replies and related ICMP of allowed flows pass. */
    STATEFUL_POLICY,
    /** {@link Dataplane#registerRemote}. */
    REMOTE_ENDPOINTS,
    /** Per-endpoint packet/byte counters. */
    ENDPOINT_STATS,
    /** Per-rule counters. */
    RULE_STATS,
    /** Drop counters by {@link DropReason}. */
    DROP_REASONS,
    /**
     * IP source addresses are checked: a workload sends only from its own addresses and from prefixes routed to it;
     * anything else is dropped as {@link DropReason#INVALID}. An L2 attachment that only checks MAC and VLAN (an
     * SR-IOV VF's spoof check) does not declare it.
     */
    SOURCE_ADDRESS_CHECK,
    /** {@link Dataplane#apply} is atomic in the backend (otherwise it rolls back on failure). */
    TRANSACTIONS,
    /** Configuration and established flows survive a restart of the controlling JVM. */
    RESTART_SURVIVAL
}
