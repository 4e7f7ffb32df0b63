package dev.uniplane.tck.harness;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.spi.DataplaneProvider;
import java.util.function.UnaryOperator;

/**
 * A provider's dataplane on a fresh kit topology (node namespace, uplink), destroyed together with it: the fixture of
 * a provider's own tests that need a live dataplane beside the kit's areas.
 */
public final class DataplaneOnTopology implements AutoCloseable {
    /** The namespaces and links the dataplane lives in. */
    public final Topology topology;
    /** The open dataplane. */
    public final Dataplane dataplane;

    private DataplaneOnTopology(Topology topology, Dataplane dataplane) {
        this.topology = topology;
        this.dataplane = dataplane;
    }

    /**
     * Opens {@code provider}'s dataplane named after the topology's prefix in its node namespace, with the topology's
     * uplink when {@code withUplink}; {@code configure} adds the rest.
     */
    public static DataplaneOnTopology open(DataplaneProvider provider, boolean withUplink,
                                           UnaryOperator<DataplaneConfig.Builder> configure) {
        Topology topology = Topology.create();
        try {
            DataplaneConfig.Builder config = DataplaneConfig.builder().provider(provider.name()).name(topology.prefix())
                    .hostNetns(topology.nodeNetnsPath());
            if (withUplink) {
                config.uplink(topology.uplink());
            }
            return new DataplaneOnTopology(topology, provider.open(configure.apply(config).build()));
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
