package dev.uniplane.provider.dpdk.internal.host;

import dev.uniplane.linux.NetNs;
import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;
import dev.uniplane.provider.dpdk.internal.eal.PacketPool;
import dev.uniplane.provider.dpdk.internal.ffm.RteEal;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot-plugging DPDK ports, always on a thread inside the node namespace ({@link NetNs#run}). The af_packet driver works
 * in the calling thread's namespace twice: {@code rte_dev_probe} opens the packet socket and resolves the interface name
 * there, and {@code rte_eth_dev_start}/{@code _stop}/promiscuous mode open a fresh AF_INET socket for
 * {@code SIOC[GS]IFFLAGS} by interface name (measured: a start from the root namespace fails with ENODEV). The packet
 * socket stays in the node namespace afterwards, whatever thread (the lcore) polls it.
 */
public final class NodePorts {
    private static final Logger LOG = LoggerFactory.getLogger(NodePorts.class);
    /** Vdev names must be unique in the process: EAL is one per JVM. */
    private static final AtomicInteger VDEVS = new AtomicInteger();

    private final Eal eal;
    private final NetNs node;
    private final PacketPool pool;

    public NodePorts(Eal eal, NetNs node, PacketPool pool) {
        this.eal = eal;
        this.node = node;
        this.pool = pool;
    }

    /** A number for the next vdev of this JVM. */
    static int nextVdev() {
        return VDEVS.getAndIncrement();
    }

    /** Plugs {@code iface} of the node namespace as an AF_PACKET port and starts it. */
    public EthPort plugInterface(String iface) {
        return plugDevice("net_af_packet" + nextVdev() + ",iface=" + iface + ",framecnt=4096");
    }

    /** Probes {@code devargs} and opens its port; a port that does not open is removed again. */
    EthPort plugDevice(String devargs) {
        return node.run(() -> {
            int id = eal.hotplug(devargs);
            try {
                return eal.openPort(id, pool);
            } catch (RuntimeException e) {
                int rc = RteEal.devRemove(RteEthDev.device((short) id));
                if (rc < 0) {
                    e.addSuppressed(new IllegalStateException("rte_dev_remove(" + devargs + ") returned " + rc));
                }
                throw e;
            }
        });
    }

    /**
     * Unplugs in the node namespace too (stopping the port clears IFF_UP/promiscuous through an ioctl by name); a
     * {@code retired} port is one a published table no longer references. A failure is logged.
     */
    public void unplugQuietly(EthPort port, boolean retired) {
        try {
            node.execute(() -> {
                if (retired) {
                    eal.unplugRetired(port);
                } else {
                    eal.unplug(port);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("cannot unplug {}: {}", port, e.getMessage());
        }
    }
}
