// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Uniplane eBPF datapath: tc (cls_bpf, direct action) programs for IPv4 and IPv6.
 *
 *   from_endpoint  host-side veth ingress of a workload (packets the workload sends)
 *   from_uplink    uplink ingress (packets from other nodes / the outside)
 *
 * Per packet: parse -> identify the sending endpoint -> find the destination (local endpoint hash first, then the
 * route LPM and its next-hop group, ECMP by flow hash) -> TTL check -> stateful policy (connection tracking; new
 * flows and flows of an older policy revision are evaluated with one LPM lookup per check) -> forward
 * (bpf_redirect_peer to a local workload, bpf_redirect_neigh to a gateway).
 *
 * Workloads reach a fixed gateway (169.254.1.1 / fe80::1) through a permanent neighbour entry, so ARP and
 * neighbour discovery are never answered here: they go to the host stack (TC_ACT_OK).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "uniplane_maps.h"

#define AF_INET  2
#define AF_INET6 10

#define PROTO_ICMP   1
#define PROTO_TCP    6
#define PROTO_UDP    17
#define PROTO_ICMPV6 58
#define PROTO_SCTP   132

#define TCP_FIN 0x01
#define TCP_RST 0x04
#define TCP_ACK 0x10

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* ---------------------------------------------------------------- maps ---------------------------------------- */

/*
 * The flip word lives in a HASH (not an ARRAY) on purpose: an array update copies the value in place (memcpy, which
 * may store byte by byte), so a reader could see half an update; a hash update installs a new element and swaps the
 * bucket pointer, so a reader sees the whole old or the whole new value. NO_PREALLOC frees the old element only after
 * an RCU grace period, so a pointer a running program holds stays valid.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct up_state);
} up_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct up_config);
} up_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, UP_MAX_ENDPOINT_ADDRS);
	__type(key, struct up_ip_key);
	__type(value, struct up_endpoint);
} up_endpoints SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, UP_MAX_ENDPOINTS);
	__type(key, __u32);   /* host veth ifindex */
	__type(value, __u32); /* endpoint index */
} up_ifindex SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, UP_MAX_SRC_ROUTES);
	__type(key, struct up_src_key);
	__type(value, __u8);
} up_src_routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, UP_MAX_ROUTES);
	__type(key, struct up_lpm_v4_key);
	__type(value, struct up_route);
} up_routes_v4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, UP_MAX_ROUTES);
	__type(key, struct up_lpm_v6_key);
	__type(value, struct up_route);
} up_routes_v6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, UP_MAX_NH_GROUPS);
	__type(key, __u32);
	__type(value, struct up_nh_group);
} up_nh_groups SEC(".maps");

/*
 * Double-buffered policy state. Everything an apply changes (the policy LPM, including the isolation catch-all
 * entries, and the CIDR identities of both families) exists twice, as static inner maps of ARRAY_OF_MAPS with two
 * slots. Java fills the inactive slot's inner maps (found by name, e.g. up_policy_slot1), then flips
 * up_state.active_slot with ONE map update. A packet reads up_state once and takes every inner map from that slot,
 * so it sees either the whole old set or the whole new set, never a mix, and no packet ever meets a half-filled map.
 */
struct up_policy_lpm {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, UP_MAX_POLICY);
	__type(key, struct up_policy_key);
	__type(value, struct up_policy_value);
} up_policy_slot0 SEC(".maps"), up_policy_slot1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, UP_SLOTS);
	__type(key, __u32);
	__array(values, struct up_policy_lpm);
} up_policy SEC(".maps") = {
	.values = { &up_policy_slot0, &up_policy_slot1 },
};

struct up_ipcache_v4_lpm {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, UP_MAX_IPCACHE);
	__type(key, struct up_lpm_v4_key);
	__type(value, struct up_identity);
} up_ipcache_v4_slot0 SEC(".maps"), up_ipcache_v4_slot1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, UP_SLOTS);
	__type(key, __u32);
	__array(values, struct up_ipcache_v4_lpm);
} up_ipcache_v4 SEC(".maps") = {
	.values = { &up_ipcache_v4_slot0, &up_ipcache_v4_slot1 },
};

struct up_ipcache_v6_lpm {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, UP_MAX_IPCACHE);
	__type(key, struct up_lpm_v6_key);
	__type(value, struct up_identity);
} up_ipcache_v6_slot0 SEC(".maps"), up_ipcache_v6_slot1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, UP_SLOTS);
	__type(key, __u32);
	__array(values, struct up_ipcache_v6_lpm);
} up_ipcache_v6 SEC(".maps") = {
	.values = { &up_ipcache_v6_slot0, &up_ipcache_v6_slot1 },
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, UP_MAX_CT);
	__type(key, struct up_ct_key);
	__type(value, struct up_ct_entry);
} up_ct SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, UP_MAX_ENDPOINTS);
	__type(key, __u32);
	__type(value, struct up_ep_stats);
} up_ep_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, UP_MAX_RULES);
	__type(key, __u32);
	__type(value, struct up_rule_stats);
} up_rule_stats SEC(".maps");

/* ---------------------------------------------------------------- parsing ------------------------------------- */

#define PARSE_OK      0
#define PARSE_HOST    1 /* not ours to route (ND, multicast, link-local): hand to the host stack */
#define PARSE_INVALID 2

/* The parsed packet. Addresses are network order; IPv4 uses the first 4 bytes. */
struct pkt {
	__u8 family;       /* UP_FAMILY_* */
	__u8 proto;
	__u8 ttl;
	__u8 tcp_flags;
	__u8 src[16];
	__u8 dst[16];
	__be16 sport;      /* ICMP echo: request carries the id here, reply in dport, so both map to one CT entry */
	__be16 dport;
	__be16 policy_port; /* destination port for policy: dport for TCP/UDP/SCTP, else 0 */
	__u8 icmp_error;   /* an ICMP error whose inner tuple is in inner_* */
	__u8 inner_proto;
	__u8 inner_src[16];
	__u8 inner_dst[16];
	__be16 inner_sport;
	__be16 inner_dport;
	__u16 pad;
};

static __always_inline int has_ports(__u8 proto)
{
	return proto == PROTO_TCP || proto == PROTO_UDP || proto == PROTO_SCTP;
}

static __always_inline int is_icmp_echo(__u8 proto, __u8 type, int *request)
{
	if (proto == PROTO_ICMP) {
		*request = type == 8;
		return type == 8 || type == 0;
	}
	if (proto == PROTO_ICMPV6) {
		*request = type == 128;
		return type == 128 || type == 129;
	}
	return 0;
}

static __always_inline int is_icmp_error(__u8 proto, __u8 type)
{
	if (proto == PROTO_ICMP)
		return type == 3 || type == 11 || type == 12; /* unreachable, time exceeded, parameter problem */
	if (proto == PROTO_ICMPV6)
		return type >= 1 && type <= 4; /* unreachable, too big, time exceeded, parameter problem */
	return 0;
}

/* Reads the ports (or the ICMP echo id) of an L4 header at l4. Returns 0 when there were enough bytes. */
static __always_inline int parse_ports(void *l4, void *end, __u8 proto, __be16 *sport, __be16 *dport, __u8 *type)
{
	*sport = 0;
	*dport = 0;
	*type = 0;
	if (proto == PROTO_TCP || proto == PROTO_UDP || proto == PROTO_SCTP) {
		__be16 *ports = l4;
		if ((void *)(ports + 2) > end)
			return -1;
		*sport = ports[0];
		*dport = ports[1];
		return 0;
	}
	if (proto == PROTO_ICMP || proto == PROTO_ICMPV6) {
		__u8 *icmp = l4;
		int request = 0;
		if ((void *)(icmp + 8) > end)
			return -1;
		*type = icmp[0];
		if (is_icmp_echo(proto, icmp[0], &request)) {
			__be16 id = *(__be16 *)(icmp + 4);
			if (request)
				*sport = id;
			else
				*dport = id;
		}
	}
	return 0;
}

/* Parses the IP header of an ICMP error's quoted packet (only its addresses and ports are needed). */
static __always_inline int parse_inner(void *inner, void *end, struct pkt *p)
{
	__u8 type;
	if (p->family == UP_FAMILY_V4) {
		__u8 *ip = inner;
		if ((void *)(ip + 20) > end)
			return -1;
		__u32 ihl = (ip[0] & 0x0f) * 4;
		if (ihl < 20)
			return -1;
		p->inner_proto = ip[9];
		__builtin_memcpy(p->inner_src, ip + 12, 4);
		__builtin_memcpy(p->inner_dst, ip + 16, 4);
		return parse_ports(ip + ihl, end, p->inner_proto, &p->inner_sport, &p->inner_dport, &type);
	}
	__u8 *ip6 = inner;
	if ((void *)(ip6 + 40) > end)
		return -1;
	p->inner_proto = ip6[6];
	__builtin_memcpy(p->inner_src, ip6 + 8, 16);
	__builtin_memcpy(p->inner_dst, ip6 + 24, 16);
	return parse_ports(ip6 + 40, end, p->inner_proto, &p->inner_sport, &p->inner_dport, &type);
}

static __always_inline int parse_l4(void *l4, void *end, struct pkt *p)
{
	__u8 type = 0;
	if (parse_ports(l4, end, p->proto, &p->sport, &p->dport, &type) < 0)
		return PARSE_INVALID;
	if (p->proto == PROTO_TCP) {
		__u8 *tcp = l4;
		if ((void *)(tcp + 20) > end)
			return PARSE_INVALID;
		p->tcp_flags = tcp[13];
	}
	if (has_ports(p->proto))
		p->policy_port = p->dport;
	/* Neighbour discovery (RS, RA, NS, NA, redirect) belongs to the host stack. */
	if (p->proto == PROTO_ICMPV6 && type >= 133 && type <= 137)
		return PARSE_HOST;
	if ((p->proto == PROTO_ICMP || p->proto == PROTO_ICMPV6) && is_icmp_error(p->proto, type)) {
		/* A truncated quote is not invalid, it just cannot be related to a flow. */
		if (parse_inner((__u8 *)l4 + 8, end, p) == 0)
			p->icmp_error = 1;
	}
	return PARSE_OK;
}

static __always_inline int parse(struct __sk_buff *skb, struct pkt *p)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return PARSE_INVALID;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		__u8 *ip = (__u8 *)(eth + 1);
		if ((void *)(ip + 20) > end)
			return PARSE_INVALID;
		__u32 ihl = (ip[0] & 0x0f) * 4;
		if ((ip[0] >> 4) != 4 || ihl < 20)
			return PARSE_INVALID;
		p->family = UP_FAMILY_V4;
		p->ttl = ip[8];
		p->proto = ip[9];
		__builtin_memcpy(p->src, ip + 12, 4);
		__builtin_memcpy(p->dst, ip + 16, 4);
		/* multicast 224/4, limited broadcast and link-local 169.254/16 (the gateway 169.254.1.1 itself) go to the
		 * host stack */
		if ((p->dst[0] & 0xf0) == 0xe0 || (p->dst[0] == 0xff && p->dst[1] == 0xff && p->dst[2] == 0xff && p->dst[3] == 0xff) ||
		    (p->dst[0] == 169 && p->dst[1] == 254))
			return PARSE_HOST;
		/* Non-first fragments carry no L4 header: route and police them by addresses and protocol only. */
		__u16 frag = ((__u16)ip[6] << 8 | ip[7]) & 0x1fff;
		if (frag)
			return PARSE_OK;
		return parse_l4(ip + ihl, end, p);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		__u8 *ip6 = (__u8 *)(eth + 1);
		if ((void *)(ip6 + 40) > end)
			return PARSE_INVALID;
		if ((ip6[0] >> 4) != 6)
			return PARSE_INVALID;
		p->family = UP_FAMILY_V6;
		p->proto = ip6[6]; /* extension headers are not walked: their next-header value stands as the protocol */
		p->ttl = ip6[7];
		__builtin_memcpy(p->src, ip6 + 8, 16);
		__builtin_memcpy(p->dst, ip6 + 24, 16);
		/* multicast ff00::/8 and link-local fe80::/10 destinations (the gateway fe80::1 included) */
		if (p->dst[0] == 0xff || (p->dst[0] == 0xfe && (p->dst[1] & 0xc0) == 0x80))
			return PARSE_HOST;
		return parse_l4(ip6 + 40, end, p);
	}
	return PARSE_HOST; /* ARP and everything else */
}

/* ---------------------------------------------------------------- counters ------------------------------------ */

static __always_inline void count_tx(__u32 ep, __u32 len)
{
	struct up_ep_stats *s = bpf_map_lookup_elem(&up_ep_stats, &ep);
	if (s) { /* per-CPU value: no atomics needed */
		s->tx_packets++;
		s->tx_bytes += len;
	}
}

static __always_inline void count_rx(__u32 ep, __u32 len)
{
	struct up_ep_stats *s = bpf_map_lookup_elem(&up_ep_stats, &ep);
	if (s) {
		s->rx_packets++;
		s->rx_bytes += len;
	}
}

static __always_inline int drop(__u32 ep, __u32 reason)
{
	struct up_ep_stats *s = bpf_map_lookup_elem(&up_ep_stats, &ep);
	if (s && reason < UP_DROP_REASONS)
		s->drops[reason]++;
	return TC_ACT_SHOT;
}

static __always_inline void count_rule(__u32 rule_id)
{
	if (!rule_id)
		return;
	struct up_rule_stats *s = bpf_map_lookup_elem(&up_rule_stats, &rule_id);
	if (s)
		s->packets++;
}

/* ---------------------------------------------------------------- identities and policy ----------------------- */

/* Everything a packet needs from one consistent policy generation. */
struct gen {
	__u32 slot;
	__u32 revision;
	void *policy;  /* inner maps of slot, looked up only when a flow is evaluated (tracked flows skip them) */
	void *ipcache;
};

/* The slot's inner maps (policy LPM, ipcache of the packet's family). */
static __always_inline int gen_maps(struct gen *g, __u8 family)
{
	g->policy = bpf_map_lookup_elem(&up_policy, &g->slot);
	g->ipcache = family == UP_FAMILY_V4 ? bpf_map_lookup_elem(&up_ipcache_v4, &g->slot)
					    : bpf_map_lookup_elem(&up_ipcache_v6, &g->slot);
	return g->policy && g->ipcache ? 0 : -1;
}

static __always_inline struct up_endpoint *endpoint_of(__u8 family, const __u8 *addr)
{
	struct up_ip_key k = {};
	k.family = family;
	if (family == UP_FAMILY_V4)
		__builtin_memcpy(k.addr, addr, 4);
	else
		__builtin_memcpy(k.addr, addr, 16);
	return bpf_map_lookup_elem(&up_endpoints, &k);
}

/* Identity of an address: its endpoint (exact), else the longest CIDR prefix of the live slot, else WORLD. */
static __always_inline __u32 identity_of(struct gen *g, __u8 family, const __u8 *addr, struct up_endpoint *ep)
{
	struct up_identity *id;
	if (ep)
		return ep->identity;
	if (family == UP_FAMILY_V4) {
		struct up_lpm_v4_key k = { .prefixlen = 32 };
		__builtin_memcpy(k.addr, addr, 4);
		id = bpf_map_lookup_elem(g->ipcache, &k);
	} else {
		struct up_lpm_v6_key k = { .prefixlen = 128 };
		__builtin_memcpy(k.addr, addr, 16);
		id = bpf_map_lookup_elem(g->ipcache, &k);
	}
	return id ? id->identity : UP_IDENTITY_WORLD;
}

/*
 * One policy check: a single LPM lookup, because the Java compiler already resolved deny-overrides and the deciding
 * rule for every disjoint (identity, protocol, port interval). Isolation is not a flag in the endpoint record but a
 * catch-all entry {endpoint, direction}/40 in the same slotted LPM, so it flips atomically together with the rules.
 * Returns 0 (allow) or 1 + a drop reason.
 */
static __always_inline __u32 check(struct gen *g, __u32 ep_index, __u8 dir, __u32 peer, __u8 proto, __be16 port)
{
	struct up_policy_key k = {
		.prefixlen = 96,
		.ep_index = bpf_htonl(ep_index),
		.direction = dir,
		.identity = bpf_htonl(peer),
		.proto = proto,
		.dport = port,
	};
	struct up_policy_value *v = bpf_map_lookup_elem(g->policy, &k);
	if (!v)
		return 0; /* not isolated in this direction and no rule speaks */
	count_rule(v->rule_id);
	if (v->verdict == UP_VERDICT_DENY)
		return 1 + UP_DROP_POLICY_DENIED;
	if (v->verdict == UP_VERDICT_DEFAULT_DENY)
		return 1 + UP_DROP_POLICY_DEFAULT_DENY;
	return 0;
}

/*
 * Verdict for a new flow src -> dst: egress at the sending endpoint, then ingress at the receiving one. The caller
 * names them when it knows them (egress_ep: the endpoint behind the veth the packet came from; ingress_ep: the
 * endpoint the route delivers to, e.g. a VNF behind a routed prefix); 0 falls back to the owner of the address.
 * *drop_ep receives the endpoint whose check dropped (drops are counted where the policy said no).
 */
static __always_inline __u32 evaluate(struct gen *g, __u8 family, const __u8 *src, const __u8 *dst, __u8 proto,
				      __be16 policy_port, __u32 egress_ep, __u32 ingress_ep, __u32 *drop_ep)
{
	struct up_endpoint *s = endpoint_of(family, src);
	struct up_endpoint *d = endpoint_of(family, dst);
	__u32 r;

	if (!egress_ep && s && (s->flags & UP_EP_LOCAL))
		egress_ep = s->index;
	if (!ingress_ep && d && (d->flags & UP_EP_LOCAL))
		ingress_ep = d->index;
	if (gen_maps(g, family) < 0)
		return 1 + UP_DROP_OTHER;
	if (egress_ep) {
		r = check(g, egress_ep, UP_DIR_EGRESS, identity_of(g, family, dst, d), proto, policy_port);
		if (r) {
			*drop_ep = egress_ep;
			return r;
		}
	}
	if (ingress_ep) {
		r = check(g, ingress_ep, UP_DIR_INGRESS, identity_of(g, family, src, s), proto, policy_port);
		if (r) {
			*drop_ep = ingress_ep;
			return r;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- connection tracking ------------------------- */

/* Builds the normalised CT key; returns 1 when the packet's source is side a. */
static __always_inline int ct_key(struct up_ct_key *k, __u8 family, __u8 proto, const __u8 *src, const __u8 *dst,
				  __be16 sport, __be16 dport)
{
	int n = family == UP_FAMILY_V4 ? 4 : 16;
	int cmp = 0;
	for (int i = 0; i < 16; i++) {
		if (i >= n || cmp)
			break;
		if (src[i] != dst[i])
			cmp = src[i] < dst[i] ? -1 : 1;
	}
	if (!cmp && sport != dport)
		cmp = bpf_ntohs(sport) < bpf_ntohs(dport) ? -1 : 1;
	k->family = family;
	k->proto = proto;
	if (cmp <= 0) {
		__builtin_memcpy(k->addr_a, src, 16);
		__builtin_memcpy(k->addr_b, dst, 16);
		k->port_a = sport;
		k->port_b = dport;
		return 1;
	}
	__builtin_memcpy(k->addr_a, dst, 16);
	__builtin_memcpy(k->addr_b, src, 16);
	k->port_a = dport;
	k->port_b = sport;
	return 0;
}

static __always_inline __u64 ct_timeout(struct up_config *cfg, __u8 proto, __u8 state)
{
	if (proto == PROTO_TCP)
		return state == UP_CT_ESTABLISHED ? cfg->ct_tcp_established_ns : cfg->ct_tcp_other_ns;
	if (proto == PROTO_ICMP || proto == PROTO_ICMPV6)
		return cfg->ct_icmp_ns;
	return cfg->ct_udp_ns;
}

static __always_inline int ct_live(struct up_config *cfg, struct up_ct_entry *e, __u8 proto, __u64 now)
{
	return now - e->last_seen <= ct_timeout(cfg, proto, e->state);
}

/* An ICMP error passes when it quotes a packet of a live flow allowed under the current revision. */
static __always_inline int ct_related(struct gen *g, struct up_config *cfg, struct pkt *p, __u64 now)
{
	struct up_ct_key k = {};
	ct_key(&k, p->family, p->inner_proto, p->inner_src, p->inner_dst, p->inner_sport, p->inner_dport);
	struct up_ct_entry *e = bpf_map_lookup_elem(&up_ct, &k);
	return e && e->revision == g->revision && ct_live(cfg, e, p->inner_proto, now);
}

/*
 * Stateful verdict: packets of a live flow pass in both directions; a flow allowed under an older policy revision
 * is evaluated again in its original direction (no grandfathering); new flows are evaluated and tracked.
 * Returns 0 (pass) or 1 + a drop reason (*drop_ep: the endpoint to count it at).
 */
static __always_inline __u32 stateful_verdict(struct gen *g, struct pkt *p, __u32 sender_ep, __u32 target_ep,
					      __u32 *drop_ep)
{
	__u32 zero = 0;
	struct up_config *cfg = bpf_map_lookup_elem(&up_config, &zero);
	if (!cfg)
		return 1 + UP_DROP_OTHER;
	__u64 now = bpf_ktime_get_ns();
	struct up_ct_key k = {};
	int src_is_a = ct_key(&k, p->family, p->proto, p->src, p->dst, p->sport, p->dport);
	struct up_ct_entry *e = bpf_map_lookup_elem(&up_ct, &k);
	int reply = 0;
	__u32 r;

	if (e && !ct_live(cfg, e, p->proto, now))
		e = 0; /* expired: the packet opens a new flow */
	if (e) {
		reply = src_is_a != !!(e->flags & UP_CT_F_ORIG_IS_A);
		if (e->revision == g->revision)
			goto track;
	} else if (p->icmp_error && ct_related(g, cfg, p, now)) {
		return 0;
	}

	/*
	 * One evaluation site for new flows and for flows of an older revision (a single inlined copy keeps the
	 * program small). A reply is judged in its flow's original direction: the original packet's destination port
	 * is this packet's source port.
	 */
	/* A reply's sender received the original packet; its target sent it. */
	r = evaluate(g, p->family, reply ? p->dst : p->src, reply ? p->src : p->dst, p->proto,
		     reply ? (has_ports(p->proto) ? p->sport : 0) : p->policy_port,
		     reply ? target_ep : sender_ep, reply ? sender_ep : target_ep, drop_ep);
	if (r) {
		if (e)
			bpf_map_delete_elem(&up_ct, &k);
		return r;
	}
	if (!e) {
		struct up_ct_entry fresh = {
			.revision = g->revision,
			.state = (p->proto == PROTO_TCP && (p->tcp_flags & (TCP_FIN | TCP_RST))) ? UP_CT_CLOSING : UP_CT_NEW,
			.flags = src_is_a ? UP_CT_F_ORIG_IS_A : 0,
			.last_seen = now,
		};
		bpf_map_update_elem(&up_ct, &k, &fresh, BPF_ANY);
		return 0;
	}
	e->revision = g->revision;
track:
	if (reply)
		e->flags |= UP_CT_F_SEEN_REPLY;
	if (p->proto == PROTO_TCP) {
		if (p->tcp_flags & (TCP_FIN | TCP_RST))
			e->state = UP_CT_CLOSING;
		else if (e->state == UP_CT_NEW && (e->flags & UP_CT_F_SEEN_REPLY) && (p->tcp_flags & TCP_ACK))
			e->state = UP_CT_ESTABLISHED;
	}
	e->last_seen = now;
	return 0;
}

/* ---------------------------------------------------------------- routing ------------------------------------- */

static __always_inline __u32 fmix(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

/* Flow hash over the 5-tuple (our own, so it is the same in test runs and on every kernel). */
static __always_inline __u32 flow_hash(struct pkt *p)
{
	__u32 w[8];
	__builtin_memcpy(w, p->src, 16);
	__builtin_memcpy(w + 4, p->dst, 16);
	__u32 h = 0x9e3779b9u ^ p->proto;
	for (int i = 0; i < 8; i++)
		h = fmix(h ^ w[i]);
	return fmix(h ^ ((__u32)p->sport << 16 | p->dport));
}

static __always_inline struct up_nh_group *route_lookup(struct pkt *p)
{
	struct up_route *r;
	if (p->family == UP_FAMILY_V4) {
		struct up_lpm_v4_key k = { .prefixlen = 32 };
		__builtin_memcpy(k.addr, p->dst, 4);
		r = bpf_map_lookup_elem(&up_routes_v4, &k);
	} else {
		struct up_lpm_v6_key k = { .prefixlen = 128 };
		__builtin_memcpy(k.addr, p->dst, 16);
		r = bpf_map_lookup_elem(&up_routes_v6, &k);
	}
	if (!r)
		return 0;
	__u32 group = r->group;
	return bpf_map_lookup_elem(&up_nh_groups, &group);
}

/* Weighted ECMP: the flow hash picks a point in [0, total weight) and the hop whose weight interval holds it. */
static __always_inline struct up_nh *pick_hop(struct up_nh_group *grp, __u32 hash)
{
	__u32 count = grp->count;
	__u32 total = grp->total_weight;
	if (count == 0 || total == 0)
		return 0;
	__u32 point = hash % total;
	__u32 acc = 0;
	/* a bounded loop the verifier walks (5.3+); unrolling 64 hops would only bloat the program */
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < UP_MAX_HOPS; i++) {
		if (i >= count)
			break;
		acc += grp->hops[i].weight;
		if (point < acc)
			return &grp->hops[i];
	}
	return 0;
}

/* ---------------------------------------------------------------- forwarding ---------------------------------- */

/* Where a packet goes after the routing decision. */
struct target {
	__u8 type;        /* UP_NH_* */
	__u8 family;
	__u32 ifindex;
	__u32 ep_index;
	__u8 mac[6];
	__u8 host_mac[6];
	__u8 gw[16];
};

#define ETH_OFF 0
#define IP_OFF  14

/*
 * Decrements TTL / hop limit. IPv4 gets an RFC 1624 incremental header checksum update, which leaves the 16-bit
 * one's-complement sum of the header unchanged, so skb->csum (CHECKSUM_COMPLETE) stays valid too.
 */
static __always_inline int decrement_ttl(struct __sk_buff *skb, __u8 family)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	if (family == UP_FAMILY_V4) {
		__u8 *ip = (__u8 *)data + IP_OFF;
		if ((void *)(ip + 20) > end)
			return -1;
		__u16 old_word = (__u16)ip[8] << 8 | ip[9];
		ip[8] -= 1;
		__u16 new_word = (__u16)ip[8] << 8 | ip[9];
		__u16 check = (__u16)ip[10] << 8 | ip[11];
		__u32 sum = (~check & 0xffff) + (~old_word & 0xffff) + new_word;
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		check = ~sum & 0xffff;
		ip[10] = check >> 8;
		ip[11] = check & 0xff;
		return 0;
	}
	__u8 *ip6 = (__u8 *)data + IP_OFF;
	if ((void *)(ip6 + 40) > end)
		return -1;
	/* No header checksum, but skb->csum of a CHECKSUM_COMPLETE skb covers this byte: let the helper fix it. */
	__u8 hop_limit = ip6[7] - 1;
	return bpf_skb_store_bytes(skb, IP_OFF + 7, &hop_limit, 1, BPF_F_RECOMPUTE_CSUM) < 0 ? -1 : 0;
}

static __always_inline int forward(struct __sk_buff *skb, struct target *t, __u32 drop_ep)
{
	if (decrement_ttl(skb, t->family) < 0)
		return drop(drop_ep, UP_DROP_INVALID);
	if (t->type == UP_NH_ENDPOINT) {
		void *data = (void *)(long)skb->data;
		void *end = (void *)(long)skb->data_end;
		struct ethhdr *eth = data;
		if ((void *)(eth + 1) > end)
			return drop(drop_ep, UP_DROP_INVALID);
		__builtin_memcpy(eth->h_dest, t->mac, 6);
		__builtin_memcpy(eth->h_source, t->host_mac, 6);
		count_rx(t->ep_index, skb->len);
		/* straight into the workload's netns: skips the host veth's backlog and the host stack */
		return bpf_redirect_peer(t->ifindex, 0);
	}
	struct bpf_redir_neigh nh = {};
	if (t->family == UP_FAMILY_V4) {
		nh.nh_family = AF_INET;
		__builtin_memcpy(&nh.ipv4_nh, t->gw, 4);
	} else {
		nh.nh_family = AF_INET6;
		__builtin_memcpy(nh.ipv6_nh, t->gw, 16);
	}
	/* the kernel fills both MACs from its neighbour table (resolving the gateway if needed) */
	return bpf_redirect_neigh(t->ifindex, &nh, sizeof(nh), 0);
}

/* ---------------------------------------------------------------- programs ------------------------------------ */

/* Reads the flip word once: every later lookup of this packet uses this slot and revision. */
static __always_inline int load_generation(struct gen *g)
{
	__u32 zero = 0;
	struct up_state *st = bpf_map_lookup_elem(&up_state, &zero);
	if (!st) { /* nothing applied yet: slot 0, revision 0 */
		g->slot = 0;
		g->revision = 0;
		return 0;
	}
	/* ONE 64-bit load of one map element: slot and revision always come from the same apply */
	__u64 word = *(volatile __u64 *)st;
	struct up_state snap;
	__builtin_memcpy(&snap, &word, sizeof(snap));
	g->slot = snap.active_slot & 1;
	g->revision = snap.revision;
	return 0;
}

/* Resolves the destination: a local endpoint address wins, else the route table. Returns -1 + reason on drop. */
static __always_inline int resolve(struct pkt *p, struct target *t)
{
	struct up_endpoint *d = endpoint_of(p->family, p->dst);
	t->family = p->family;
	if (d && (d->flags & UP_EP_LOCAL) && !(d->flags & UP_EP_ROUTED)) {
		t->type = UP_NH_ENDPOINT;
		t->ifindex = d->ifindex;
		t->ep_index = d->index;
		__builtin_memcpy(t->mac, d->mac, 6);
		__builtin_memcpy(t->host_mac, d->host_mac, 6);
		return 0;
	}
	struct up_nh_group *grp = route_lookup(p);
	if (!grp)
		return -1;
	struct up_nh *hop = pick_hop(grp, flow_hash(p));
	if (!hop || hop->type == UP_NH_DROP)
		return -1;
	t->type = hop->type;
	t->ifindex = hop->ifindex;
	t->ep_index = hop->ep_index;
	__builtin_memcpy(t->mac, hop->mac, 6);
	__builtin_memcpy(t->host_mac, hop->host_mac, 6);
	__builtin_memcpy(t->gw, hop->gw, 16);
	return 0;
}

SEC("tc")
int from_endpoint(struct __sk_buff *skb)
{
	__u32 ifindex = skb->ingress_ifindex;
	__u32 *idx = bpf_map_lookup_elem(&up_ifindex, &ifindex);
	__u32 sender = idx ? *idx : 0; /* 0 = unattributed (a veth we do not know) */
	struct pkt p = {};
	int rc = parse(skb, &p);

	if (rc == PARSE_HOST)
		return TC_ACT_OK;
	count_tx(sender, skb->len);
	if (rc == PARSE_INVALID)
		return drop(sender, UP_DROP_INVALID);

	/*
	 * anti-spoofing: the source must be an address of the endpoint behind this veth, or lie in a prefix routed to
	 * that endpoint (a router or VNF workload sends from the addresses it serves).
	 */
	struct up_endpoint *src = endpoint_of(p.family, p.src);
	if (!src || !(src->flags & UP_EP_LOCAL) || src->ifindex != ifindex) {
		struct up_src_key sk = { .prefixlen = 40 + (p.family == UP_FAMILY_V4 ? 32 : 128),
					 .ifindex = bpf_htonl(ifindex), .family = p.family };
		__builtin_memcpy(sk.addr, p.src, 16);
		if (!bpf_map_lookup_elem(&up_src_routes, &sk))
			return drop(sender, UP_DROP_INVALID);
	}

	struct target t = {};
	if (resolve(&p, &t) < 0)
		return drop(sender, UP_DROP_NO_ROUTE);
	if (p.ttl <= 1)
		return drop(sender, UP_DROP_TTL_EXCEEDED);

	struct gen g = {};
	if (load_generation(&g) < 0)
		return drop(sender, UP_DROP_OTHER);
	__u32 drop_ep = sender;
	__u32 r = stateful_verdict(&g, &p, sender, t.type == UP_NH_ENDPOINT ? t.ep_index : 0, &drop_ep);
	if (r)
		return drop(drop_ep, r - 1);
	return forward(skb, &t, sender);
}

SEC("tc")
int from_uplink(struct __sk_buff *skb)
{
	struct pkt p = {};
	int rc = parse(skb, &p);

	/* The uplink also carries the node's own traffic: only packets for local endpoints are ours. */
	if (rc != PARSE_OK)
		return TC_ACT_OK;
	struct target t = {};
	if (resolve(&p, &t) < 0 || t.type != UP_NH_ENDPOINT)
		return TC_ACT_OK;
	if (p.ttl <= 1)
		return drop(t.ep_index, UP_DROP_TTL_EXCEEDED);

	struct gen g = {};
	if (load_generation(&g) < 0)
		return drop(t.ep_index, UP_DROP_OTHER);
	__u32 drop_ep = t.ep_index;
	__u32 r = stateful_verdict(&g, &p, 0, t.ep_index, &drop_ep);
	if (r)
		return drop(drop_ep, r - 1);
	return forward(skb, &t, t.ep_index);
}
