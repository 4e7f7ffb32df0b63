package dev.uniplane.provider.dpdk.internal.ffm;

import dev.uniplane.linux.NativeCall;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * ethdev bindings ({@code librte_ethdev.so.23}) plus the shim's rx/tx burst. Port and queue ids, descriptor and burst
 * counts are u16 in C: pass them as {@code short} (values up to 65535 wrap, which is what C sees). Control calls return
 * 0 or a negative errno.
 */
public final class RteEthDev {
    /** {@code RTE_ETH_NAME_MAX_LEN}: size of a port name buffer. */
    public static final int NAME_MAX_LEN = 64;

    private static final MethodHandle COUNT_AVAIL = Downcalls.bind("rte_eth_dev_count_avail", FunctionDescriptor.of(JAVA_SHORT));
    private static final MethodHandle CONFIGURE = Downcalls.bind("rte_eth_dev_configure",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle RX_QUEUE_SETUP = Downcalls.bind("rte_eth_rx_queue_setup",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle TX_QUEUE_SETUP = Downcalls.bind("rte_eth_tx_queue_setup",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS));
    private static final MethodHandle START = Downcalls.bind("rte_eth_dev_start", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle STOP = Downcalls.bind("rte_eth_dev_stop", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle CLOSE = Downcalls.bind("rte_eth_dev_close", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle PROMISCUOUS_ENABLE = Downcalls.bind("rte_eth_promiscuous_enable",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    private static final MethodHandle STATS_GET = Downcalls.bind("rte_eth_stats_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle LINK_GET_NOWAIT = Downcalls.bind("rte_eth_link_get_nowait",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle GET_PORT_BY_NAME = Downcalls.bind("rte_eth_dev_get_port_by_name",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GET_NAME_BY_PORT = Downcalls.bind("rte_eth_dev_get_name_by_port",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle INFO_GET = Downcalls.bind("rte_eth_dev_info_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle MACADDR_GET = Downcalls.bind("rte_eth_macaddr_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    private static final MethodHandle RX_BURST = Downcalls.bind("uniplane_eth_rx_burst",
            FunctionDescriptor.of(JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS, JAVA_SHORT), Downcalls.CRITICAL);
    private static final MethodHandle TX_BURST = Downcalls.bind("uniplane_eth_tx_burst",
            FunctionDescriptor.of(JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS, JAVA_SHORT), Downcalls.CRITICAL);

    private RteEthDev() {
    }

    /** {@code rte_eth_dev_count_avail()}. */
    public static int countAvail() {
        return Short.toUnsignedInt((short) NativeCall.invokeInt(() -> (short) COUNT_AVAIL.invokeExact()));
    }

    /** {@code rte_eth_dev_configure(port, nb_rx_q, nb_tx_q, conf)}; {@code conf} is {@link Layouts#ETH_CONF_SIZE} bytes. */
    public static int configure(short port, short rxQueues, short txQueues, MemorySegment conf) {
        return NativeCall.invokeInt(() -> (int) CONFIGURE.invokeExact(port, rxQueues, txQueues, conf));
    }

    /** {@code rte_eth_rx_queue_setup(port, queue, nb_desc, socket, rx_conf, mb_pool)}; NULL {@code rxConf} = defaults. */
    public static int rxQueueSetup(short port, short queue, short descriptors, int socket, MemorySegment rxConf, MemorySegment pool) {
        return NativeCall.invokeInt(() -> (int) RX_QUEUE_SETUP.invokeExact(port, queue, descriptors, socket, rxConf, pool));
    }

    /** {@code rte_eth_tx_queue_setup(port, queue, nb_desc, socket, tx_conf)}; NULL {@code txConf} = defaults. */
    public static int txQueueSetup(short port, short queue, short descriptors, int socket, MemorySegment txConf) {
        return NativeCall.invokeInt(() -> (int) TX_QUEUE_SETUP.invokeExact(port, queue, descriptors, socket, txConf));
    }

    /** {@code rte_eth_dev_start(port)}. */
    public static int start(short port) {
        return NativeCall.invokeInt(() -> (int) START.invokeExact(port));
    }

    /** {@code rte_eth_dev_stop(port)}. */
    public static int stop(short port) {
        return NativeCall.invokeInt(() -> (int) STOP.invokeExact(port));
    }

    /** {@code rte_eth_dev_close(port)}: releases the port id. */
    public static int close(short port) {
        return NativeCall.invokeInt(() -> (int) CLOSE.invokeExact(port));
    }

    /** {@code rte_eth_promiscuous_enable(port)}. */
    public static int promiscuousEnable(short port) {
        return NativeCall.invokeInt(() -> (int) PROMISCUOUS_ENABLE.invokeExact(port));
    }

    /** {@code rte_eth_stats_get(port, stats)}; {@code stats} is {@link Layouts#ETH_STATS_SIZE} bytes. */
    public static int statsGet(short port, MemorySegment stats) {
        return NativeCall.invokeInt(() -> (int) STATS_GET.invokeExact(port, stats));
    }

    /** {@code rte_eth_link_get_nowait(port, link)}; {@code link} is {@link Layouts#ETH_LINK_SIZE} bytes. */
    public static int linkGetNowait(short port, MemorySegment link) {
        return NativeCall.invokeInt(() -> (int) LINK_GET_NOWAIT.invokeExact(port, link));
    }

    /**
     * {@code rte_eth_dev_get_port_by_name(name, &port)}.
     *
     * @return the port id, or a negative errno (-ENODEV when no port has that name)
     */
    public static int portByName(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment port = arena.allocate(JAVA_SHORT);
            MemorySegment text = arena.allocateFrom(name);
            int rc = NativeCall.invokeInt(() -> (int) GET_PORT_BY_NAME.invokeExact(text, port));
            return rc < 0 ? rc : Short.toUnsignedInt(port.get(JAVA_SHORT, 0));
        }
    }

    /** {@code rte_eth_dev_get_name_by_port(port, name)}: the port's name, or null when the port does not exist. */
    public static String nameByPort(short port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(NAME_MAX_LEN);
            int rc = NativeCall.invokeInt(() -> (int) GET_NAME_BY_PORT.invokeExact(port, name));
            return rc < 0 ? null : name.getString(0);
        }
    }

    /** {@code rte_eth_dev_info_get(port, info)}; {@code info} is {@link Layouts#DEV_INFO_SIZE} bytes. */
    public static int infoGet(short port, MemorySegment info) {
        return NativeCall.invokeInt(() -> (int) INFO_GET.invokeExact(port, info));
    }

    /** {@code rte_eth_macaddr_get(port, mac)}; {@code mac} is 6 bytes. */
    public static int macAddressGet(short port, MemorySegment mac) {
        return NativeCall.invokeInt(() -> (int) MACADDR_GET.invokeExact(port, mac));
    }

    /**
     * The {@code struct rte_device *} behind a port (for {@link RteEal#devRemove}).
     *
     * @throws DpdkException when the port does not exist
     */
    public static MemorySegment device(short port) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(Layouts.DEV_INFO_SIZE, 8);
            DpdkException.check("rte_eth_dev_info_get(port " + Short.toUnsignedInt(port) + ")", infoGet(port, info));
            return info.get(ADDRESS, Layouts.DEV_INFO_DEVICE);
        }
    }

    /**
     * {@code rte_eth_rx_burst(port, queue, pkts, n)} through the shim, as a critical downcall.
     *
     * @return the number of mbuf pointers written to {@code pkts} (0..n)
     */
    public static int rxBurst(short port, short queue, MemorySegment pkts, short n) {
        try {
            return Short.toUnsignedInt((short) RX_BURST.invokeExact(port, queue, pkts, n));
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }

    /**
     * {@code rte_eth_tx_burst(port, queue, pkts, n)} through the shim, as a critical downcall.
     *
     * @return the number of packets the driver took; the caller still owns {@code pkts[result..n)}
     */
    public static int txBurst(short port, short queue, MemorySegment pkts, short n) {
        try {
            return Short.toUnsignedInt((short) TX_BURST.invokeExact(port, queue, pkts, n));
        } catch (Throwable t) {
            throw NativeCall.unchecked(t);
        }
    }
}
