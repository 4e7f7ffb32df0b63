/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Uniplane eBPF datapath: the map key/value structs shared by the BPF program and the Java encoders
 * (dev.uniplane.provider.ebpf.internal.maps). Every struct spells out its padding so that the Java side can
 * write exactly the same bytes; hash keys are compared bytewise, so pad bytes must always be zero.
 *
 * Byte order: prefix lengths, indexes, counters and timestamps are host order (little endian on x86_64/arm64);
 * addresses, ports and everything inside an LPM key's data part are network order (the trie compares MSB first).
 */
#ifndef UNIPLANE_MAPS_H
#define UNIPLANE_MAPS_H

#include <linux/types.h>

/* Default capacities; Java may change max_entries before load (bpf_map__set_max_entries). */
#define UP_MAX_ENDPOINT_ADDRS 16384 /* up_endpoints: local and remote addresses */
#define UP_MAX_ENDPOINTS      4096  /* endpoint indexes (0 = node/unattributed) */
#define UP_MAX_ROUTES         65536 /* per family */
#define UP_MAX_NH_GROUPS      4096
#define UP_MAX_HOPS           64    /* = Route.MAX_NEXT_HOPS */
#define UP_MAX_IPCACHE        65536 /* CIDR prefixes per family per slot */
#define UP_MAX_POLICY         262144 /* policy LPM entries per slot */
#define UP_MAX_RULES          16384 /* rule ids (0 = none) */
#define UP_MAX_CT             262144
#define UP_SLOTS              2

#define UP_FAMILY_V4 4
#define UP_FAMILY_V6 6

/* Reserved identities. Endpoint addresses get identities >= UP_IDENTITY_FIRST_ENDPOINT, CIDR prefixes
 * >= UP_IDENTITY_FIRST_CIDR (allocated per policy compile, so they live only in the slotted ipcache). */
#define UP_IDENTITY_WORLD          2
#define UP_IDENTITY_FIRST_ENDPOINT 256
#define UP_IDENTITY_FIRST_CIDR     0x01000000

/* Drop reasons, in dev.uniplane.api.DropReason order. */
#define UP_DROP_POLICY_DENIED       0
#define UP_DROP_POLICY_DEFAULT_DENY 1
#define UP_DROP_NO_ROUTE            2
#define UP_DROP_TTL_EXCEEDED        3
#define UP_DROP_INVALID             4
#define UP_DROP_OTHER               5
#define UP_DROP_REASONS             6

/* Address key of up_endpoints: 20 bytes. IPv4 uses addr[0..3], the rest stays zero. */
struct up_ip_key {
	__u8 family; /* UP_FAMILY_V4 or UP_FAMILY_V6 */
	__u8 pad[3];
	__u8 addr[16];
};

#define UP_EP_LOCAL  1 /* attached here: index, ifindex and MACs are valid */
#define UP_EP_REMOTE 2 /* registered remote endpoint: only the identity is valid */
#define UP_EP_ROUTED 4 /* an explicit host route for this address overrides delivery to the endpoint */

/*
 * Value of up_endpoints: 32 bytes. Nothing here depends on the policy, so it needs no slot: an address keeps its
 * identity for as long as it exists, and identities are never reused (a stale slot cannot match a newcomer).
 */
struct up_endpoint {
	__u32 index;       /* endpoint index (counters, policy key); 0 for remote */
	__u32 ifindex;     /* host-side veth ifindex */
	__u8 mac[6];       /* workload interface MAC (destination MAC of delivered frames) */
	__u8 host_mac[6];  /* host-side veth MAC = the gateway MAC the workload sees */
	__u32 identity;    /* identity of this address */
	__u32 flags;       /* UP_EP_LOCAL or UP_EP_REMOTE */
	__u32 pad;
};

/* Route and ipcache LPM keys: {u32 prefixlen; address bytes}. */
struct up_lpm_v4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct up_lpm_v6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/*
 * Source prefixes an endpoint may send from besides its own addresses: the prefixes routed to it (a router or VNF
 * workload answers for them). LPM key {prefixlen = 40 + prefix length; be32 host ifindex; u8 family; addr[16]}:
 * 25 bytes, packed. Value: u8 (unused).
 */
struct up_src_key {
	__u32 prefixlen;
	__be32 ifindex;
	__u8 family;
	__u8 addr[16];
} __attribute__((packed));

#define UP_MAX_SRC_ROUTES 16384

/* Route value: 4 bytes, the next-hop group id (index into up_nh_groups). */
struct up_route {
	__u32 group;
};

/* ipcache value: 4 bytes, the identity of the longest matching CIDR prefix. */
struct up_identity {
	__u32 identity;
};

#define UP_NH_GATEWAY  1
#define UP_NH_ENDPOINT 2
#define UP_NH_DROP     3

/* One next hop: 40 bytes. */
struct up_nh {
	__u8 type;          /* UP_NH_* */
	__u8 family;        /* family of gw (gateway hops) */
	__u16 weight;       /* 1..256 */
	__u32 ifindex;      /* gateway: uplink ifindex; endpoint: host veth ifindex */
	__u32 ep_index;     /* endpoint hops: endpoint index (rx counters) */
	__u8 mac[6];        /* endpoint hops: workload MAC */
	__u8 host_mac[6];   /* endpoint hops: host veth MAC */
	__u8 gw[16];        /* gateway hops: gateway address (IPv4 in gw[0..3]) */
};

/* Value of up_nh_groups: 8 + 64 * 40 = 2568 bytes. */
struct up_nh_group {
	__u32 count;        /* hops in use, 0..UP_MAX_HOPS; 0 = group unused (NO_ROUTE) */
	__u32 total_weight; /* sum of the weights of hops[0..count) */
	struct up_nh hops[UP_MAX_HOPS];
};

#define UP_DIR_INGRESS 0
#define UP_DIR_EGRESS  1

/*
 * Policy LPM key: 16 bytes, packed (no padding inside the matched data). Prefix lengths used by the compiler:
 * 40 = {endpoint, direction} (isolation catch-all), 72 = + identity (any protocol), 80 = + protocol (any port),
 * 80 + n = + the first n bits of the destination port.
 */
struct up_policy_key {
	__u32 prefixlen;
	__be32 ep_index;   /* big endian like the rest of the data */
	__u8 direction;    /* UP_DIR_* */
	__be32 identity;   /* peer identity */
	__u8 proto;        /* IANA protocol number */
	__be16 dport;      /* destination port (0 for protocols without ports) */
} __attribute__((packed));

#define UP_VERDICT_ALLOW         1 /* an ALLOW rule decided */
#define UP_VERDICT_DENY          2 /* a DENY rule decided: POLICY_DENIED */
#define UP_VERDICT_DEFAULT_DENY  3 /* isolated and no rule matched: POLICY_DEFAULT_DENY */
#define UP_VERDICT_DEFAULT_ALLOW 4 /* not isolated and no rule matched */

/* Policy LPM value: 8 bytes. */
struct up_policy_value {
	__u8 verdict;  /* UP_VERDICT_* */
	__u8 pad[3];
	__u32 rule_id; /* index into up_rule_stats; 0 = no rule */
};

/*
 * The flip word (up_state, key 0): ONE 8-byte value, written by Java with a single map update (a hash element swap,
 * never an in-place copy) and read by the program with a single 64-bit load, so a packet can never see a slot index
 * from one apply and a revision from another.
 */
struct up_state {
	__u32 active_slot; /* 0 or 1: which inner maps of up_policy / up_ipcache_v4 / up_ipcache_v6 are live */
	__u32 revision;    /* policy revision, bumped on every apply; CT entries of older revisions are re-evaluated */
};

/* Datapath configuration: 40 bytes. */
struct up_config {
	__u64 ct_tcp_established_ns;
	__u64 ct_tcp_other_ns;
	__u64 ct_udp_ns;
	__u64 ct_icmp_ns;
	__u32 uplink_ifindex;
	__u32 flags;
};

/* Connection tracking key: 40 bytes, normalised so that (addr_a, port_a) <= (addr_b, port_b). */
struct up_ct_key {
	__u8 family;
	__u8 proto;
	__u8 pad[2];
	__u8 addr_a[16];
	__u8 addr_b[16];
	__be16 port_a;
	__be16 port_b;
};

#define UP_CT_NEW         0
#define UP_CT_ESTABLISHED 1
#define UP_CT_CLOSING     2

#define UP_CT_F_ORIG_IS_A 1 /* the side that opened the flow is (addr_a, port_a) */
#define UP_CT_F_SEEN_REPLY 2

/* Connection tracking value: 16 bytes. */
struct up_ct_entry {
	__u32 revision;  /* policy revision the flow was last allowed under */
	__u8 state;      /* UP_CT_* */
	__u8 flags;      /* UP_CT_F_* */
	__u16 pad;
	__u64 last_seen; /* bpf_ktime_get_ns() */
};

/* Per-endpoint counters (PERCPU_ARRAY value): 80 bytes; rx/tx from the workload's point of view. */
struct up_ep_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 tx_packets;
	__u64 tx_bytes;
	__u64 drops[UP_DROP_REASONS];
};

/* Per-rule counter (PERCPU_ARRAY value): 8 bytes. */
struct up_rule_stats {
	__u64 packets;
};

#endif /* UNIPLANE_MAPS_H */
