package dev.uniplane.cli;

import dev.uniplane.api.Dataplanes;
import dev.uniplane.spi.Availability;

/** Chooses how to reach dataplanes from the global options. */
final class Accesses {
    private Accesses() {
    }

    static DataplaneAccess open(AccessSettings settings) {
        if (settings.agentSocket() != null) {
            return new AgentDataplaneAccess(dev.uniplane.agent.client.AgentClient.connect(settings.agentSocket()));
        }
        return new LocalDataplaneAccess(settings, Dataplanes.discover());
    }
}
