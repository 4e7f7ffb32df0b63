package dev.uniplane.provider.dpdk.internal.host;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.BackendException;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.MacAddress;
import dev.uniplane.provider.dpdk.internal.eal.EthPort;
import dev.uniplane.provider.dpdk.internal.ffm.DpdkException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Attaches DPDK-native workloads: a memif or vhost-user vdev in server mode whose socket ({@link SocketAttachment}) the
 * endpoint reports as {@link Endpoint#hostInterface()}. The workload's namespace and {@code interfaceName} are not
 * touched (nothing is created there); the workload connects whenever it starts (and may reconnect), sends to
 * the dataplane's gateway MAC and must use {@link Endpoint#mac()} as its own MAC.
 */
public final class SocketAttacher {
    private static final Logger LOG = LoggerFactory.getLogger(SocketAttacher.class);

    private final Owner dp;
    private final MacAddress gatewayMac;
    private final NodePorts ports;

    /** What the attacher needs from the dataplane it attaches for. */
    public interface Owner {
        /** The dataplane's name (it names the socket directory). */
        String name();

        /** The MAC the workload on {@code slot} must use. */
        MacAddress workloadMac(AttachSpec spec, int slot);

        /** Publishes a table with the new endpoint's port, then records it. */
        void install(Wiring wiring);
    }

    public SocketAttacher(Owner dp, MacAddress gatewayMac, NodePorts ports) {
        this.dp = dp;
        this.gatewayMac = gatewayMac;
        this.ports = ports;
    }

    /** Attaches the endpoint on {@code slot}; what it made is removed again on failure. */
    public Endpoint attach(AttachSpec spec, AttachKind kind, int slot) {
        SocketAttachment side = SocketAttachment.of(kind, dp.name(), spec.id(), NodePorts.nextVdev());
        EthPort port = null;
        boolean prepared = false;
        try {
            side.prepare();
            prepared = true;
            port = ports.plugDevice(side.devargs(gatewayMac));
            MacAddress mac = dp.workloadMac(spec, slot);
            dp.install(new Wiring(slot, side.deviceName(), port, mac, spec, kind, side));
            LOG.info("endpoint {} of {}: {} on port {} ({}), socket {}", spec.id(), dp.name(), kind, port.id(), side.deviceName(), side.socket());
            return new Endpoint(spec, kind, side.socket().toString(), mac, gatewayMac);
        } catch (RuntimeException e) {
            if (port != null) {
                ports.unplugQuietly(port, true);
            }
            if (prepared) { // before, the file may be another live dataplane's
                removeSocketQuietly(side);
            }
            if (prepared && port == null && e instanceof DpdkException d) {
                throw new BackendException("attach " + spec.id(), d.errnoName(), d.getMessage() + " (is the PMD installed? "
                        + side.packageHint() + ")", d);
            }
            throw e;
        }
    }

    /** Deletes the socket file (the vdev is unplugged already); a failure is logged. */
    public static void removeSocketQuietly(SocketAttachment side) {
        try {
            side.removeSocket();
        } catch (RuntimeException e) {
            LOG.warn("cannot remove {}: {}", side.socket(), e.getMessage());
        }
    }
}
