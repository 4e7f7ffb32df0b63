// SPDX-License-Identifier: Apache-2.0
/*
 * Uniplane DPDK shim: exported one-line wrappers for the DPDK 22.11 functions that are static inline, macros or TLS
 * (so FFM cannot find them with dlsym), plus a table of struct sizes and offsets that Java verifies at startup.
 *
 * Built at generate-resources by provider-dpdk/pom.xml:
 *   gcc -O3 -fPIC -shared $(pkg-config --cflags libdpdk) -o libuniplane_dpdk.so uniplane_dpdk_shim.c \
 *       -Wl,--no-as-needed -lrte_eal -lrte_ethdev -lrte_mbuf -lrte_mempool -lrte_lpm -lrte_bus_vdev -Wl,--as-needed
 * --no-as-needed keeps the DT_NEEDED entries (Debian's pkg-config adds --as-needed), so a dlopen of this library also
 * resolves every exported rte_* symbol Java binds.
 *
 * Any change here must be followed by a refresh of src/main/prebuilt (mvn -pl provider-dpdk generate-resources
 * -Ddpdk.refreshPrebuilt=true); the build fails while the recorded source hash is stale.
 */
#include <stddef.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
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
