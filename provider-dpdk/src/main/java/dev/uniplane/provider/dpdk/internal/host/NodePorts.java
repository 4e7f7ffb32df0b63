package dev.uniplane.provider.dpdk.internal.host;

import dev.uniplane.linux.NetNs;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.linux.UplinkSnapshot;
import dev.uniplane.provider.dpdk.internal.eal.Eal;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;
import dev.uniplane.provider.dpdk.internal.eal.PacketPool;
import dev.uniplane.provider.dpdk.internal.ffm.RteEal;
import dev.uniplane.provider.dpdk.internal.ffm.RteEthDev;
import java.nio.file.Path;
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

    /**
     * Plugs the user's uplink, first recording it as it is ({@link UplinkSnapshot#recordOnce}; the record of a process
     * that died with the uplink plugged stays the truth): the started af_packet port puts it into promiscuous mode.
     * When the port cannot be plugged, the uplink is put back at once.
     */
    public EthPort plugUplink(RtNetlink links, String iface, String dataplane) {
        UplinkSnapshot.recordOnce(uplinkRecordOf(dataplane), links, iface);
        try {
            return plugInterface(iface);
        } catch (RuntimeException e) {
            UplinkSnapshot.restoreRecorded(uplinkRecordOf(dataplane), links);
            throw e;
        }
    }

    /** Unplugs the uplink and puts it back as recorded by {@link #plugUplink} (promiscuous mode off). Never throws. */
    public void unplugUplinkQuietly(EthPort port, RtNetlink links, String dataplane) {
        unplugQuietly(port, false);
        UplinkSnapshot.restoreRecorded(uplinkRecordOf(dataplane), links);
    }

    /** Where the uplink as it was before dataplane {@code name} plugged it is recorded, next to its state file. */
    public static Path uplinkRecordOf(String dataplane) {
        return UplinkSnapshot.recordFile(dev.uniplane.provider.dpdk.DpdkProvider.NAME, dataplane);
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
