package dev.uniplane.provider.dpdk;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.tck.harness.Topology;
import java.util.function.UnaryOperator;

/** A DPDK dataplane on a fresh kit topology (node namespace, uplink), destroyed together with it. */
final class DataplaneOnTopology implements AutoCloseable {
    final Topology topology;
    final Dataplane dataplane;

    private DataplaneOnTopology(Topology topology, Dataplane dataplane) {
        this.topology = topology;
        this.dataplane = dataplane;
    }

    /**
     * Opens the dataplane named after the topology's prefix in its node namespace, with the topology's uplink when
     * {@code withUplink}; {@code configure} adds the rest.
     */
    static DataplaneOnTopology open(boolean withUplink, UnaryOperator<DataplaneConfig.Builder> configure) {
        Topology topology = Topology.create();
        try {
            DataplaneConfig.Builder config = DataplaneConfig.builder().provider(DpdkProvider.NAME).name(topology.prefix())
                    .hostNetns(topology.nodeNetnsPath());
            if (withUplink) {
                config.uplink(topology.uplink());
            }
            return new DataplaneOnTopology(topology, new DpdkProvider().open(configure.apply(config).build()));
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            dataplane.destroy();
        } finally {
            topology.close();
        }
    }
}
