package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OpenFlowChannel;
import dev.uniplane.provider.ovsdpdk.internal.wire.ovsdb.PortSpec;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an open dataplane's bridge in force when the daemons restart under it: a lost OpenFlow connection (vswitchd
 * exited or restarted) is reconnected and the flows converged; an OVSDB reconnect re-creates the rows the database lost.
 */
final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    /** How often a lost OpenFlow connection is tried again. */
    private static final Duration RETRY = Duration.ofMillis(20);

    private final OvsDpdkDataplane dp;
    /** Between the OpenFlow connection's loss and the reconcile that replaces it. */
    private volatile boolean openflowLost;
    /** The listener registered with the instance (and removed by identity). */
    final Runnable ovsdbReconnected = this::onOvsdbReconnected;

    Reconciler(OvsDpdkDataplane dp) {
        this.dp = dp;
    }

    /**
     * The OpenFlow connection dropped while we are open. A background thread reconnects to {@code <bridge>.mgmt} (every
     * 20 ms) and, once the restarted vswitchd listens there, re-installs the whole desired flow set in one bundle (ports
     * and bridges come back from OVSDB by themselves; flows do not).
     */
    void onOpenFlowLost() {
        if (dp.released) {
            return;
        }
        openflowLost = true;
        LOG.warn("OpenFlow connection of {} lost; reconciling once vswitchd is back", dp.name());
        Thread.ofPlatform().daemon().name("ovsdpdk-reconcile-" + dp.name()).start(this::reconnect);
    }

    private void reconnect() {
        long t0 = System.nanoTime();
        while (!dp.released) {
            OpenFlowChannel ch = null;
            try {
                // The full request timeout: right after a restart vswitchd may take seconds to answer (DPDK ports re-open),
                // and a timed-out request ends the channel for good.
                ch = OpenFlowChannel.connect(dp.ovs.mgmtSocket(dp.name()), OvsDpdkDataplane.OPENFLOW_TIMEOUT);
                OpenFlowChannel channel = ch;
                boolean released = dp.reconcileLocked(() -> {
                    if (dp.released) {
                        channel.close();
                        return true;
                    }
                    dp.openflow = channel;
                    openflowLost = false;
                    dp.convergence.converge(dp.inForce());
                    channel.onLost(this::onOpenFlowLost);
                    return false;
                });
                if (released) {
                    return;
                }
                LOG.info("OVS-DPDK dataplane {} reconciled {} ms after the connection loss", dp.name(), (System.nanoTime() - t0) / 1_000_000);
                return;
            } catch (RuntimeException e) {
                if (ch != null) {
                    ch.close();
                }
                LOG.debug("reconcile {}: {}", dp.name(), e.getMessage());
            }
            try {
                Thread.sleep(RETRY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * ovsdb-server came back (the instance's client reconnected): re-creates our bridge and ports if the database lost
     * them (same names and ofports; vswitchd re-opens them), then converges the flows if the OpenFlow connection
     * survived (if vswitchd dropped the bridge meanwhile, the OpenFlow reconcile does it once the bridge is back).
     */
    private void onOvsdbReconnected() {
        long t0 = System.nanoTime();
        dp.reconcileLocked(() -> {
            if (dp.released) {
                return null;
            }
            String name = dp.name();
            try {
                var db = dp.ovs.ovsdb();
                if (db.bridge(name).isEmpty()) {
                    LOG.warn("bridge {} is gone from the database; creating it again", name);
                    db.addBridge(name, "netdev", OvsDpdkDataplane.bridgeMarkers(name));
                }
                dp.uplink.ifPresent(u -> {
                    if (db.iface(Uplink.portName(name)).isEmpty()) {
                        db.addPort(name, Uplink.port(name, u.shim()));
                    }
                });
                for (Wiring w : dp.wirings.values()) {
                    if (db.iface(w.hostName()).isEmpty()) {
                        db.addPort(name, PortSpec.dpdkAfPacket(w.hostName(), w.hostName()).withOfportRequest(w.index()));
                    }
                }
                if (!openflowLost) {
                    dp.convergence.converge(dp.inForce());
                }
                LOG.info("OVS-DPDK dataplane {} re-ensured its rows {} ms after the OVSDB reconnect", name,
                        (System.nanoTime() - t0) / 1_000_000);
            } catch (RuntimeException e) {
                LOG.warn("re-ensuring {} after the OVSDB reconnect failed: {}", name, e.getMessage());
            }
            return null;
        });
    }
}
