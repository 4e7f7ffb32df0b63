// SPDX-License-Identifier: Apache-2.0
/*
 * Uniplane DPDK shim: exported one-line wrappers for the DPDK 22.11 functions that are static inline, macros or TLS
 * (so FFM cannot find them with dlsym), plus a table of struct sizes and offsets that Java verifies at startup.
 *
 * Built at generate-resources by provider-dpdk/pom.xml:
 *   gcc -O3 -fPIC -shared $(pkg-config --cflags libdpdk) -o libuniplane_dpdk.so uniplane_dpdk_shim.c \
 *       -Wl,--no-as-needed -lrte_eal -lrte_ethdev -lrte_mbuf -lrte_mempool -lrte_lpm -lrte_hash -lrte_bus_vdev -Wl,--as-needed
 * --no-as-needed keeps the DT_NEEDED entries (Debian's pkg-config adds --as-needed), so a dlopen of this library also
 * resolves every exported rte_* symbol Java binds.
 *
 * Any change here must be followed by a refresh of src/main/prebuilt (mvn -pl provider-dpdk generate-resources
 * -Ddpdk.refreshPrebuilt=true); the build fails while the recorded source hash is stale.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_lpm.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_version.h>

#define UNIPLANE_EXPORT __attribute__((visibility("default")))

UNIPLANE_EXPORT uint16_t uniplane_eth_rx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n) {
    return rte_eth_rx_burst(port, queue, pkts, n);
}

UNIPLANE_EXPORT uint16_t uniplane_eth_tx_burst(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t n) {
    return rte_eth_tx_burst(port, queue, pkts, n);
}

UNIPLANE_EXPORT struct rte_mbuf *uniplane_pktmbuf_alloc(struct rte_mempool *pool) {
    return rte_pktmbuf_alloc(pool);
}

UNIPLANE_EXPORT int uniplane_pktmbuf_alloc_bulk(struct rte_mempool *pool, struct rte_mbuf **mbufs, unsigned int count) {
    return rte_pktmbuf_alloc_bulk(pool, mbufs, count);
}

UNIPLANE_EXPORT void uniplane_pktmbuf_free(struct rte_mbuf *m) {
    rte_pktmbuf_free(m);
}

UNIPLANE_EXPORT int uniplane_lpm_lookup(const struct rte_lpm *lpm, uint32_t ip, uint32_t *next_hop) {
    return rte_lpm_lookup(lpm, ip, next_hop);
}

UNIPLANE_EXPORT int uniplane_lpm_lookup_bulk(const struct rte_lpm *lpm, const uint32_t *ips, uint32_t *next_hops, unsigned int n) {
    return rte_lpm_lookup_bulk(lpm, ips, next_hops, n);
}

UNIPLANE_EXPORT int uniplane_errno(void) {
    return rte_errno;
}

UNIPLANE_EXPORT unsigned int uniplane_lcore_id(void) {
    return rte_lcore_id();
}

UNIPLANE_EXPORT uint64_t uniplane_rdtsc(void) {
    return rte_rdtsc();
}

/* link_status is a bit field: offsetof cannot name it, so find its bit in the u16 that follows link_speed. */
static int64_t link_status_bit(void) {
    union {
        struct rte_eth_link link;
        uint16_t words[4];
    } probe = {0};
    probe.link.link_status = 1;
    for (int bit = 0; bit < 16; bit++) {
        if (probe.words[2] & (1u << bit)) {
            return bit;
        }
    }
    return -1;
}

struct layout_entry {
    const char *name;
    int64_t value;
};

#define SIZE(type) {"sizeof(" #type ")", (int64_t) sizeof(type)}
#define OFFSET(type, field) {#type "." #field, (int64_t) offsetof(type, field)}

/*
 * Name/value pairs: sizes as "sizeof(struct x)", offsets as "struct x.field", constants by macro name.
 * Java reads them by index until uniplane_layout returns -1 and checks every offset it hard-codes.
 */
UNIPLANE_EXPORT int64_t uniplane_layout(uint32_t index, const char **name) {
    const struct layout_entry table[] = {
        {"RTE_VERSION", (int64_t) RTE_VERSION},
        {"RTE_MAX_ETHPORTS", RTE_MAX_ETHPORTS},
        {"RTE_MAX_LCORE", RTE_MAX_LCORE},
        {"RTE_PKTMBUF_HEADROOM", RTE_PKTMBUF_HEADROOM},
        {"RTE_MBUF_DEFAULT_BUF_SIZE", RTE_MBUF_DEFAULT_BUF_SIZE},
        SIZE(struct rte_mbuf),
        OFFSET(struct rte_mbuf, buf_addr),
        OFFSET(struct rte_mbuf, data_off),
        OFFSET(struct rte_mbuf, refcnt),
        OFFSET(struct rte_mbuf, nb_segs),
        OFFSET(struct rte_mbuf, port),
        OFFSET(struct rte_mbuf, ol_flags),
        OFFSET(struct rte_mbuf, packet_type),
        OFFSET(struct rte_mbuf, pkt_len),
        OFFSET(struct rte_mbuf, data_len),
        OFFSET(struct rte_mbuf, pool),
        OFFSET(struct rte_mbuf, next),
        SIZE(struct rte_eth_conf),
        SIZE(struct rte_eth_stats),
        OFFSET(struct rte_eth_stats, ipackets),
        OFFSET(struct rte_eth_stats, opackets),
        OFFSET(struct rte_eth_stats, ibytes),
        OFFSET(struct rte_eth_stats, obytes),
        OFFSET(struct rte_eth_stats, imissed),
        OFFSET(struct rte_eth_stats, ierrors),
        OFFSET(struct rte_eth_stats, oerrors),
        OFFSET(struct rte_eth_stats, rx_nombuf),
        SIZE(struct rte_eth_link),
        OFFSET(struct rte_eth_link, link_speed),
        {"struct rte_eth_link.link_status.bit_of_u16_at_4", link_status_bit()},
        SIZE(struct rte_eth_dev_info),
        OFFSET(struct rte_eth_dev_info, device),
        SIZE(struct rte_lpm_config),
        OFFSET(struct rte_lpm_config, max_rules),
        OFFSET(struct rte_lpm_config, number_tbl8s),
        OFFSET(struct rte_lpm_config, flags),
        {"RTE_LPM_LOOKUP_SUCCESS", RTE_LPM_LOOKUP_SUCCESS},
    };
    if (index >= sizeof(table) / sizeof(table[0])) {
        return -1;
    }
    *name = table[index].name;
    return table[index].value;
}

/*
 * ---- Benchmark reference (bench module, DpdkFullPathBench): a C loop doing the router's work per packet ----
 * rx burst -> own-MAC/IPv4/header checks -> flow lookup in an rte_hash on the normalised 5-tuple (the connection
 * tracker: a tracked flow skips policy) -> rte_lpm lookup -> next hop -> TTL check, TTL - 1 with the incremental header
 * checksum -> MAC rewrite -> staged per output port -> one tx burst per port; per-endpoint packet/byte counters. Not used
 * by the dataplane itself.
 */

#define UNIPLANE_BENCH_BURST 32
#define UNIPLANE_BENCH_MAX_PORTS 32
/* counters: 8 x u64 per endpoint slot */
enum { BENCH_RX_PACKETS, BENCH_RX_BYTES, BENCH_TX_PACKETS, BENCH_TX_BYTES, BENCH_DROP_INVALID, BENCH_DROP_UNTRACKED,
       BENCH_DROP_NO_ROUTE, BENCH_DROP_TTL, BENCH_COLUMNS };

/* One next hop, indexed by the LPM result: new destination and source MAC, output port, endpoint slot to count. */
struct uniplane_bench_hop {
    struct rte_ether_addr dst;
    struct rte_ether_addr src;
    uint16_t port;
    uint16_t reserved;
    int32_t endpoint;
};

/* The lower (address, port) end first, so both directions of a flow find one entry (as the Java FlowTable does). */
struct uniplane_bench_flow_key {
    uint32_t low_address;
    uint32_t high_address;
    uint16_t low_port;
    uint16_t high_port;
    uint8_t protocol;
    uint8_t pad[3];
};

struct uniplane_bench_flows {
    struct rte_hash *hash;
    uint64_t *last_seen; /* indexed by the key position rte_hash returns */
};

UNIPLANE_EXPORT uint32_t uniplane_bench_hop_size(void) {
    return sizeof(struct uniplane_bench_hop);
}

static struct uniplane_bench_flow_key bench_flow_key(uint32_t src, uint32_t dst, uint8_t protocol, uint16_t sport, uint16_t dport) {
    struct uniplane_bench_flow_key key = {0};
    int low = src < dst || (src == dst && sport <= dport);
    key.low_address = low ? src : dst;
    key.high_address = low ? dst : src;
    key.low_port = low ? sport : dport;
    key.high_port = low ? dport : sport;
    key.protocol = protocol;
    return key;
}

/* A flow table of `entries` keys on `socket`; NULL with rte_errno set on failure. */
UNIPLANE_EXPORT struct uniplane_bench_flows *uniplane_bench_flows_create(const char *name, uint32_t entries, int socket) {
    struct rte_hash_parameters params = {
        .name = name,
        .entries = entries,
        .key_len = sizeof(struct uniplane_bench_flow_key),
        .hash_func = rte_hash_crc,
        .hash_func_init_val = 0,
        .socket_id = socket,
    };
    struct uniplane_bench_flows *flows = calloc(1, sizeof(*flows));
    if (flows == NULL) {
        rte_errno = ENOMEM;
        return NULL;
    }
    flows->hash = rte_hash_create(&params);
    flows->last_seen = calloc(entries * 2u, sizeof(uint64_t)); /* rte_hash may hand out positions above `entries` */
    if (flows->hash == NULL || flows->last_seen == NULL) {
        rte_hash_free(flows->hash);
        free(flows->last_seen);
        free(flows);
        rte_errno = ENOMEM;
        return NULL;
    }
    return flows;
}

/* Adds the flow (host-order addresses and ports); the key position (>= 0) or a negative errno. */
UNIPLANE_EXPORT int32_t uniplane_bench_flows_add(struct uniplane_bench_flows *flows, uint32_t src, uint32_t dst, uint8_t protocol,
                                                 uint16_t sport, uint16_t dport) {
    struct uniplane_bench_flow_key key = bench_flow_key(src, dst, protocol, sport, dport);
    return rte_hash_add_key(flows->hash, &key);
}

UNIPLANE_EXPORT void uniplane_bench_flows_free(struct uniplane_bench_flows *flows) {
    if (flows != NULL) {
        rte_hash_free(flows->hash);
        free(flows->last_seen);
        free(flows);
    }
}

/*
 * Polls `rx_port` (queue 0) until *stop becomes non-zero; frames arrive from endpoint slot `rx_endpoint` addressed to
 * `own`. Returns the number of polling rounds.
 */
UNIPLANE_EXPORT uint64_t uniplane_bench_fullpath_loop(uint16_t rx_port, int32_t rx_endpoint, const struct rte_ether_addr *own,
                                                      const struct rte_lpm *lpm, struct uniplane_bench_flows *flows,
                                                      const struct uniplane_bench_hop *hops, uint32_t hop_count,
                                                      uint64_t *counters, const volatile int32_t *stop) {
    struct rte_mbuf *pkts[UNIPLANE_BENCH_BURST];
    struct rte_mbuf *drops[UNIPLANE_BENCH_BURST];
    struct rte_mbuf *stage[UNIPLANE_BENCH_MAX_PORTS][UNIPLANE_BENCH_BURST];
    uint16_t staged[UNIPLANE_BENCH_MAX_PORTS] = {0};
    uint16_t touched[UNIPLANE_BENCH_MAX_PORTS];
    int32_t hop_of_port[UNIPLANE_BENCH_MAX_PORTS];
    uint64_t rounds = 0;
    uint64_t *source = counters + (size_t) rx_endpoint * BENCH_COLUMNS;

    while (*stop == 0) {
        rounds++;
        uint16_t n = rte_eth_rx_burst(rx_port, 0, pkts, UNIPLANE_BENCH_BURST);
        if (n == 0) {
            continue;
        }
        uint64_t now = rte_rdtsc();
        unsigned int dropped = 0;
        unsigned int touched_count = 0;
        for (uint16_t i = 0; i < n; i++) {
            struct rte_mbuf *m = pkts[i];
            struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
            if (m->data_len < 34 || !rte_is_same_ether_addr(&eth->dst_addr, own) || rte_is_same_ether_addr(&eth->src_addr, own)
                || eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
                drops[dropped++] = m;
                continue;
            }
            source[BENCH_TX_PACKETS]++;
            source[BENCH_TX_BYTES] += m->pkt_len;
            struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *) (eth + 1);
            unsigned int ihl = (ip->version_ihl & 0xf) * 4u;
            unsigned int total = rte_be_to_cpu_16(ip->total_length);
            if ((ip->version_ihl >> 4) != 4 || ihl < 20 || total < ihl || 14u + total > m->data_len) {
                source[BENCH_DROP_INVALID]++;
                drops[dropped++] = m;
                continue;
            }
            uint32_t src = rte_be_to_cpu_32(ip->src_addr);
            uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
            uint8_t protocol = ip->next_proto_id;
            uint16_t sport = 0, dport = 0;
            const uint8_t *l4 = (const uint8_t *) ip + ihl;
            if ((rte_be_to_cpu_16(ip->fragment_offset) & 0x1fff) == 0 && total - ihl >= 4
                && (protocol == IPPROTO_TCP || protocol == IPPROTO_UDP || protocol == IPPROTO_SCTP)) {
                sport = (uint16_t) (l4[0] << 8 | l4[1]);
                dport = (uint16_t) (l4[2] << 8 | l4[3]);
            }
            struct uniplane_bench_flow_key key = bench_flow_key(src, dst, protocol, sport, dport);
            int32_t position = rte_hash_lookup(flows->hash, &key);
            if (unlikely(position < 0)) {
                source[BENCH_DROP_UNTRACKED]++; /* the bench tracks every flow up front */
                drops[dropped++] = m;
                continue;
            }
            flows->last_seen[position] = now;
            uint32_t next_hop;
            if (rte_lpm_lookup(lpm, dst, &next_hop) != 0 || next_hop >= hop_count) {
                source[BENCH_DROP_NO_ROUTE]++;
                drops[dropped++] = m;
                continue;
            }
            if (ip->time_to_live <= 1) {
                source[BENCH_DROP_TTL]++;
                drops[dropped++] = m;
                continue;
            }
            /* TTL - 1: the TTL is the high byte of its 16-bit word, so the checksum gains 0x0100 (RFC 1624) */
            uint32_t check = ip->hdr_checksum;
            check += rte_cpu_to_be_16(0x0100);
            ip->hdr_checksum = (uint16_t) (check + (check >= 0xffff));
            ip->time_to_live--;
            const struct uniplane_bench_hop *hop = &hops[next_hop];
            rte_ether_addr_copy(&hop->dst, &eth->dst_addr);
            rte_ether_addr_copy(&hop->src, &eth->src_addr);
            uint16_t out = hop->port;
            if (staged[out] == 0) {
                touched[touched_count++] = out;
                hop_of_port[out] = hop->endpoint;
            }
            stage[out][staged[out]++] = m;
        }
        for (unsigned int t = 0; t < touched_count; t++) {
            uint16_t port = touched[t];
            uint16_t count = staged[port];
            staged[port] = 0;
            if (hop_of_port[port] >= 0) {
                uint64_t *target = counters + (size_t) hop_of_port[port] * BENCH_COLUMNS;
                uint64_t bytes = 0;
                for (uint16_t k = 0; k < count; k++) {
                    bytes += stage[port][k]->pkt_len;
                }
                target[BENCH_RX_PACKETS] += count;
                target[BENCH_RX_BYTES] += bytes;
            }
            uint16_t sent = rte_eth_tx_burst(port, 0, stage[port], count);
            if (sent < count) {
                rte_pktmbuf_free_bulk(&stage[port][sent], count - sent);
            }
        }
        if (dropped > 0) {
            rte_pktmbuf_free_bulk(drops, dropped);
        }
    }
    return rounds;
}
