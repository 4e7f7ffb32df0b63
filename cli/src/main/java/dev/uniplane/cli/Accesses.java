package dev.uniplane.cli;

import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.spi.Availability;

/** Chooses how to reach dataplanes from the global options. */
final class Accesses {
    private Accesses() {
    }

    static DataplaneAccess open(AccessSettings settings) {
        if (settings.agentSocket() != null) {
            // TODO(agent adapter, after the agent modules are merged): return new AgentDataplaneAccess(
            //  AgentClient.connect(settings.agentSocket())), mapping dataplaneNames() to client.dataplanes() names,
            //  dataplane(name) to client.dataplane(name), health() to client.health(), providers() to the agent's
            //  provider list and close() to client.close(). Later: default to the agent when its socket exists.
            throw new ProviderUnavailableException("agent", Availability.unavailable(
                    "this build of the CLI cannot talk to an agent yet (socket " + settings.agentSocket() + ")",
                    "leave out --agent to open dataplanes in this process"));
        }
        return new LocalDataplaneAccess(settings, Dataplanes.discover());
    }
}
