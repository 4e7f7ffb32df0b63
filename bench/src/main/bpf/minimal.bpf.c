// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The minimal C-equivalent of Uniplane's from_endpoint program, for the BPF_PROG_TEST_RUN benchmark
 * (dev.uniplane.bench.ebpf.EbpfDatapathBench). Only what a hand-written forwarder needs for the same decision:
 *
 *   parse Ethernet/IPv4 (+ ports)
 *   -> endpoint hash on the source (anti-spoofing: the address must belong to the endpoint behind the ingress veth;
 *      gives the sender's endpoint index)
 *   -> route LPM on the destination (the value carries the next hop: ifindex, MACs, and the destination identity)
 *   -> TTL check
 *   -> one policy LPM lookup {sender, egress, destination identity, proto, dport}
 *   -> TTL decrement with an RFC 1624 incremental checksum, MAC rewrite, bpf_redirect_peer.
 *
 * No connection tracking, no counters, no ECMP, no ipcache, no policy slots, IPv4 only.
 *
 * The abl_* programs (same body, compile-time flags F_*) add, cumulatively, pieces of what from_endpoint does on its
 * policy path, so the benchmark can attribute the difference between the two (the "ablation" table).
 * Key and value layouts are those of provider-ebpf/src/main/bpf/uniplane_maps.h (copied, so the bench builds on its
 * own), so the Java encoders of the provider fill these maps too.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define FAMILY_V4 4
#define EP_LOCAL 1
#define DIR_EGRESS 1
#define VERDICT_DENY 2
#define VERDICT_DEFAULT_DENY 3

struct up_ip_key { /* = uniplane_maps.h */
	__u8 family;
	__u8 pad[3];
	__u8 addr[16];
};

struct up_endpoint { /* = uniplane_maps.h */
	__u32 index;
	__u32 ifindex;
	__u8 mac[6];
	__u8 host_mac[6];
	__u32 identity;
	__u32 flags;
	__u32 pad;
};

struct up_lpm_v4_key { /* = uniplane_maps.h */
	__u32 prefixlen;
	__u8 addr[4];
};

/* The route value of the minimal program: the next hop itself (no group indirection) plus the destination identity. */
struct min_dest {
	__u32 ifindex;
	__u32 identity;
	__u8 mac[6];
	__u8 host_mac[6];
};

struct up_policy_key { /* = uniplane_maps.h */
	__u32 prefixlen;
	__be32 ep_index;
	__u8 direction;
	__be32 identity;
	__u8 proto;
	__be16 dport;
} __attribute__((packed));

struct up_policy_value { /* = uniplane_maps.h */
	__u8 verdict;
	__u8 pad[3];
	__u32 rule_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct up_ip_key);
	__type(value, struct up_endpoint);
} min_endpoints SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536); /* raised from Java before load */
	__type(key, struct up_lpm_v4_key);
	__type(value, struct min_dest);
} min_routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 262144);
	__type(key, struct up_policy_key);
	__type(value, struct up_policy_value);
} min_policy SEC(".maps");

/* ---- only for the ablation programs (abl_ct, abl_ct_ipc, abl_ct_ipc_ep, abl_all): pieces of from_endpoint's work */

struct up_ct_key { /* = uniplane_maps.h */
	__u8 family;
	__u8 proto;
	__u8 pad[2];
	__u8 addr_a[16];
	__u8 addr_b[16];
	__be16 port_a;
	__be16 port_b;
};

struct up_ct_entry { /* = uniplane_maps.h */
	__u32 revision;
	__u8 state;
	__u8 flags;
	__u16 pad;
	__u64 last_seen;
};

struct min_stats {
	__u64 packets;
	__u64 bytes;
	__u64 drops;
	__u64 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct up_ct_key);
	__type(value, struct up_ct_entry);
} min_ct SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 65536);
	__type(key, struct up_lpm_v4_key);
	__type(value, __u32);
} min_ipcache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct min_stats);
} min_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} min_state SEC(".maps");

#define F_CT      1 /* + conntrack key build (normalised) + bpf_ktime_get_ns + LRU hash lookup */
#define F_IPCACHE 2 /* + destination identity from an ipcache LPM lookup instead of the route value */
#define F_EP      4 /* + destination endpoint hash lookup, and both endpoint lookups again (as evaluate() does) */
#define F_MISC    8 /* + per-CPU tx/drop counters, generation word (hash), 5-tuple flow hash */

static __always_inline __u32 fmix(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

static __always_inline void count(__u32 idx, __u32 len, int dropped)
{
	struct min_stats *st = bpf_map_lookup_elem(&min_stats, &idx);
	if (st) {
		if (dropped)
			st->drops++;
		else {
			st->packets++;
			st->bytes += len;
		}
	}
}

#define IP_OFF 14

static __always_inline int body(struct __sk_buff *skb, const int f)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > end)
		return TC_ACT_SHOT;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	__u8 *ip = (__u8 *)(eth + 1);
	if ((void *)(ip + 20) > end)
		return TC_ACT_SHOT;
	__u32 ihl = (ip[0] & 0x0f) * 4;
	if ((ip[0] >> 4) != 4 || ihl < 20)
		return TC_ACT_SHOT;
	__u8 proto = ip[9];
	__be16 dport = 0;
	if (proto == 6 || proto == 17 || proto == 132) {
		__be16 *ports = (__be16 *)(ip + ihl);
		if ((void *)(ports + 2) > end)
			return TC_ACT_SHOT;
		dport = ports[1];
	}

	/* source endpoint (anti-spoofing) */
	struct up_ip_key sk = { .family = FAMILY_V4 };
	__builtin_memcpy(sk.addr, ip + 12, 4);
	struct up_endpoint *src = bpf_map_lookup_elem(&min_endpoints, &sk);
	if (!src || !(src->flags & EP_LOCAL) || src->ifindex != skb->ingress_ifindex)
		return TC_ACT_SHOT;
	if (f & F_MISC)
		count(src->index, skb->len, 0);

	/* route */
	struct up_lpm_v4_key rk = { .prefixlen = 32 };
	__builtin_memcpy(rk.addr, ip + 16, 4);
	struct up_ip_key dk = { .family = FAMILY_V4 };
	__builtin_memcpy(dk.addr, ip + 16, 4);
	struct up_endpoint *dep = 0;
	if (f & F_EP)
		dep = bpf_map_lookup_elem(&min_endpoints, &dk);
	struct min_dest *d = bpf_map_lookup_elem(&min_routes, &rk);
	if (!d) {
		if (f & F_MISC)
			count(src->index, 0, 1);
		return TC_ACT_SHOT;
	}
	if (ip[8] <= 1)
		return TC_ACT_SHOT;
	__u32 identity = d->identity;
	if (f & F_MISC) {
		__u32 w[2];
		__builtin_memcpy(w, ip + 12, 8);
		__u32 h = 0x9e3779b9u ^ proto;
		for (int i = 0; i < 8; i++)
			h = fmix(h ^ (i < 2 ? w[i] : 0));
		h = fmix(h ^ dport);
		__u32 zero = 0;
		__u64 *gen = bpf_map_lookup_elem(&min_state, &zero);
		if (gen && *gen == ((__u64)h | (1ULL << 40)))
			return TC_ACT_OK; /* never (the word is 0), but not foldable: keeps the hash and the load */
	}
	if (f & F_CT) {
		struct up_ct_key ck = {};
		const __u8 *sa = ip + 12, *da = ip + 16;
		int cmp = 0;
		for (int i = 0; i < 4; i++) {
			if (cmp)
				break;
			if (sa[i] != da[i])
				cmp = sa[i] < da[i] ? -1 : 1;
		}
		ck.family = FAMILY_V4;
		ck.proto = proto;
		if (cmp <= 0) {
			__builtin_memcpy(ck.addr_a, sa, 4);
			__builtin_memcpy(ck.addr_b, da, 4);
			ck.port_b = dport;
		} else {
			__builtin_memcpy(ck.addr_a, da, 4);
			__builtin_memcpy(ck.addr_b, sa, 4);
			ck.port_a = dport;
		}
		__u64 now = bpf_ktime_get_ns();
		struct up_ct_entry *ce = bpf_map_lookup_elem(&min_ct, &ck);
		if (ce && now - ce->last_seen < 1)
			return TC_ACT_OK; /* never in the benchmark (the CT map stays empty) */
	}
	if (f & F_EP) { /* evaluate() looks both up again */
		struct up_endpoint *s2 = bpf_map_lookup_elem(&min_endpoints, &sk);
		struct up_endpoint *d2 = bpf_map_lookup_elem(&min_endpoints, &dk);
		if (!s2 || (dep && d2 && d2->index != dep->index))
			return TC_ACT_SHOT;
	}
	if (f & F_IPCACHE) {
		struct up_lpm_v4_key ik = { .prefixlen = 32 };
		__builtin_memcpy(ik.addr, ip + 16, 4);
		__u32 *id = bpf_map_lookup_elem(&min_ipcache, &ik);
		identity = id ? *id : 2;
	}

	/* policy: one LPM lookup */
	struct up_policy_key pk = {
		.prefixlen = 96,
		.ep_index = bpf_htonl(src->index),
		.direction = DIR_EGRESS,
		.identity = bpf_htonl(identity),
		.proto = proto,
		.dport = dport,
	};
	struct up_policy_value *v = bpf_map_lookup_elem(&min_policy, &pk);
	if (v && (v->verdict == VERDICT_DENY || v->verdict == VERDICT_DEFAULT_DENY)) {
		if (f & F_MISC)
			count(src->index, 0, 1);
		return TC_ACT_SHOT;
	}

	/* TTL decrement + incremental checksum (same arithmetic as uniplane.bpf.c) */
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

	/* the packet pointers are still valid: no helper that changes the packet ran */
	__builtin_memcpy(eth->h_dest, d->mac, 6);
	__builtin_memcpy(eth->h_source, d->host_mac, 6);
	return bpf_redirect_peer(d->ifindex, 0);
}

/* The benchmark's minimal program. */
SEC("tc")
int minimal(struct __sk_buff *skb)
{
	return body(skb, 0);
}

/* Ablation: minimal plus, cumulatively, parts of what from_endpoint does (see F_*). */
SEC("tc")
int abl_ct(struct __sk_buff *skb)
{
	return body(skb, F_CT);
}

SEC("tc")
int abl_ct_ipc(struct __sk_buff *skb)
{
	return body(skb, F_CT | F_IPCACHE);
}

SEC("tc")
int abl_ct_ipc_ep(struct __sk_buff *skb)
{
	return body(skb, F_CT | F_IPCACHE | F_EP);
}

SEC("tc")
int abl_all(struct __sk_buff *skb)
{
	return body(skb, F_CT | F_IPCACHE | F_EP | F_MISC);
}
