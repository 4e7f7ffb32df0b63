package dev.uniplane.provider.dpdk.internal.ffm;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Struct sizes and offsets of DPDK 22.11 on x86_64 that Java reads or allocates. {@link ShimLibrary#load()} checks
 * each one against the values the C compiler produced in the shim ({@code uniplane_layout}), so a DPDK build with a
 * different ABI fails at startup instead of corrupting memory.
 */
public final class Layouts {
    /** {@code sizeof(struct rte_mbuf)}. */
    public static final long MBUF_SIZE = 128;
    /** {@code rte_mbuf.buf_addr} (void *). */
    public static final long MBUF_BUF_ADDR = 0;
    /** {@code rte_mbuf.data_off} (u16). */
    public static final long MBUF_DATA_OFF = 16;
    /** {@code rte_mbuf.port} (u16). */
    public static final long MBUF_PORT = 22;
    /** {@code rte_mbuf.pkt_len} (u32). */
    public static final long MBUF_PKT_LEN = 36;
    /** {@code rte_mbuf.data_len} (u16). */
    public static final long MBUF_DATA_LEN = 40;
    /** {@code rte_mbuf.pool} (struct rte_mempool *). */
    public static final long MBUF_POOL = 56;
    /** {@code rte_mbuf.next} (struct rte_mbuf *). */
    public static final long MBUF_NEXT = 64;

    /** {@code sizeof(struct rte_eth_conf)}: all zeroes means "driver defaults". */
    public static final long ETH_CONF_SIZE = 2272;
    /** {@code sizeof(struct rte_eth_stats)}. */
    public static final long ETH_STATS_SIZE = 704;
    /** {@code rte_eth_stats.ipackets} (u64). */
    public static final long STATS_IPACKETS = 0;
    /** {@code rte_eth_stats.opackets} (u64). */
    public static final long STATS_OPACKETS = 8;
    /** {@code rte_eth_stats.ibytes} (u64). */
    public static final long STATS_IBYTES = 16;
    /** {@code rte_eth_stats.obytes} (u64). */
    public static final long STATS_OBYTES = 24;
    /** {@code rte_eth_stats.imissed} (u64). */
    public static final long STATS_IMISSED = 32;
    /** {@code rte_eth_stats.ierrors} (u64). */
    public static final long STATS_IERRORS = 40;
    /** {@code rte_eth_stats.oerrors} (u64). */
    public static final long STATS_OERRORS = 48;
    /** {@code rte_eth_stats.rx_nombuf} (u64). */
    public static final long STATS_RX_NOMBUF = 56;

    /** {@code sizeof(struct rte_eth_link)}. */
    public static final long ETH_LINK_SIZE = 8;
    /** {@code rte_eth_link.link_speed} (u32, Mbps). */
    public static final long LINK_SPEED = 0;
    /** The u16 holding the bit fields duplex, autoneg and status. */
    public static final long LINK_FLAGS = 4;
    /** Bit of {@code link_status} in the u16 at {@link #LINK_FLAGS}. */
    public static final int LINK_STATUS_BIT = 2;

    /** {@code sizeof(struct rte_eth_dev_info)}. */
    public static final long DEV_INFO_SIZE = 376;
    /** {@code rte_eth_dev_info.device} (struct rte_device *). */
    public static final long DEV_INFO_DEVICE = 0;

    /** {@code sizeof(struct rte_lpm_config)}. */
    public static final long LPM_CONFIG_SIZE = 12;
    /** {@code rte_lpm_config.max_rules} (u32). */
    public static final long LPM_CONFIG_MAX_RULES = 0;
    /** {@code rte_lpm_config.number_tbl8s} (u32). */
    public static final long LPM_CONFIG_NUMBER_TBL8S = 4;
    /** {@code rte_lpm_config.flags} (int). */
    public static final long LPM_CONFIG_FLAGS = 8;
    /** Bit set in a bulk lookup result when the address matched; the low 24 bits are the next hop. */
    public static final int LPM_LOOKUP_SUCCESS = 0x01000000;

    /** {@code RTE_MAX_ETHPORTS} of Debian's build: port ids are below it. */
    public static final int MAX_ETHPORTS = 32;

    private static final Map<String, Long> EXPECTED = Map.ofEntries(
            Map.entry("sizeof(struct rte_mbuf)", MBUF_SIZE),
            Map.entry("struct rte_mbuf.buf_addr", MBUF_BUF_ADDR),
            Map.entry("struct rte_mbuf.data_off", MBUF_DATA_OFF),
            Map.entry("struct rte_mbuf.port", MBUF_PORT),
            Map.entry("struct rte_mbuf.pkt_len", MBUF_PKT_LEN),
            Map.entry("struct rte_mbuf.data_len", MBUF_DATA_LEN),
            Map.entry("struct rte_mbuf.pool", MBUF_POOL),
            Map.entry("struct rte_mbuf.next", MBUF_NEXT),
            Map.entry("sizeof(struct rte_eth_conf)", ETH_CONF_SIZE),
            Map.entry("sizeof(struct rte_eth_stats)", ETH_STATS_SIZE),
            Map.entry("struct rte_eth_stats.ipackets", STATS_IPACKETS),
            Map.entry("struct rte_eth_stats.opackets", STATS_OPACKETS),
            Map.entry("struct rte_eth_stats.ibytes", STATS_IBYTES),
            Map.entry("struct rte_eth_stats.obytes", STATS_OBYTES),
            Map.entry("struct rte_eth_stats.imissed", STATS_IMISSED),
            Map.entry("struct rte_eth_stats.ierrors", STATS_IERRORS),
            Map.entry("struct rte_eth_stats.oerrors", STATS_OERRORS),
            Map.entry("struct rte_eth_stats.rx_nombuf", STATS_RX_NOMBUF),
            Map.entry("sizeof(struct rte_eth_link)", ETH_LINK_SIZE),
            Map.entry("struct rte_eth_link.link_speed", LINK_SPEED),
            Map.entry("struct rte_eth_link.link_status.bit_of_u16_at_4", (long) LINK_STATUS_BIT),
            Map.entry("sizeof(struct rte_eth_dev_info)", DEV_INFO_SIZE),
            Map.entry("struct rte_eth_dev_info.device", DEV_INFO_DEVICE),
            Map.entry("sizeof(struct rte_lpm_config)", LPM_CONFIG_SIZE),
            Map.entry("struct rte_lpm_config.max_rules", LPM_CONFIG_MAX_RULES),
            Map.entry("struct rte_lpm_config.number_tbl8s", LPM_CONFIG_NUMBER_TBL8S),
            Map.entry("struct rte_lpm_config.flags", LPM_CONFIG_FLAGS),
            Map.entry("RTE_LPM_LOOKUP_SUCCESS", (long) LPM_LOOKUP_SUCCESS),
            Map.entry("RTE_MAX_ETHPORTS", (long) MAX_ETHPORTS));

    private Layouts() {
    }

    /** The names and values Java relies on, as the shim names them. */
    public static Map<String, Long> expected() {
        return EXPECTED;
    }

    /**
     * Checks every expected entry against the shim's table.
     *
     * @throws IllegalStateException naming every missing or different entry
     */
    public static void verify(Map<String, Long> shimTable) {
        List<String> problems = new ArrayList<>();
        EXPECTED.forEach((name, expected) -> {
            Long actual = shimTable.get(name);
            if (actual == null) {
                problems.add(name + " is missing from the shim");
            } else if (actual.longValue() != expected) {
                problems.add(name + " is " + actual + " in C, Java assumes " + expected);
            }
        });
        Long version = shimTable.get("RTE_VERSION");
        if (version == null || (version >>> 16) != 0x160B) {
            problems.add("the shim was compiled against DPDK " + (version == null ? "?" : Long.toHexString(version))
                    + ", these bindings are for 22.11 (ABI DPDK_23)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("DPDK struct layouts differ from what the Java bindings assume: "
                    + String.join("; ", problems.stream().sorted().toList()));
        }
    }
}
