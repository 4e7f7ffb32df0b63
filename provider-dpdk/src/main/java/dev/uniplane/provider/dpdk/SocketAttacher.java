package dev.uniplane.provider.dpdk;

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
 * {@link DpdkDataplane#GATEWAY_MAC} and must use {@link Endpoint#mac()} as its own MAC.
 */
final class SocketAttacher {
    private static final Logger LOG = LoggerFactory.getLogger(SocketAttacher.class);

    private final DpdkDataplane dp;
    private final NodePorts ports;

    SocketAttacher(DpdkDataplane dp, NodePorts ports) {
        this.dp = dp;
        this.ports = ports;
    }

    /** Attaches the endpoint on {@code slot}; what it made is removed again on failure. */
    Endpoint attach(AttachSpec spec, AttachKind kind, int slot) {
        SocketAttachment side = SocketAttachment.of(kind, dp.name(), spec.id(), NodePorts.nextVdev());
        EthPort port = null;
        boolean prepared = false;
        try {
            side.prepare();
            prepared = true;
            port = ports.plugDevice(side.devargs(DpdkDataplane.GATEWAY_MAC));
            MacAddress mac = dp.workloadMac(spec, slot);
            dp.install(new Wiring(slot, side.deviceName(), port, mac, spec, kind, side));
            LOG.info("endpoint {} of {}: {} on port {} ({}), socket {}", spec.id(), dp.name(), kind, port.id(), side.deviceName(), side.socket());
            return new Endpoint(spec, kind, side.socket().toString(), mac, DpdkDataplane.GATEWAY_MAC);
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
    static void removeSocketQuietly(SocketAttachment side) {
        try {
            side.removeSocket();
        } catch (RuntimeException e) {
            LOG.warn("cannot remove {}: {}", side.socket(), e.getMessage());
        }
    }
}
