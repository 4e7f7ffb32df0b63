package dev.uniplane.cli;

import dev.uniplane.agent.client.AgentClient;
import dev.uniplane.agent.client.AgentHealth;
import dev.uniplane.agent.client.DataplaneInfo;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.ProviderStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Reaches the dataplanes a running {@code uniplane agent} owns, through its client: they outlive the command, so
 * state, counters and forwarding stay between commands whatever the provider.
 */
public final class AgentDataplaneAccess implements DataplaneAccess {
    private final AgentClient client;

    public AgentDataplaneAccess(AgentClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    @Override
    public String describe() {
        return "agent at " + client.socket();
    }

    @Override
    public List<String> dataplaneNames() {
        return client.dataplanes().stream().map(DataplaneInfo::name).toList();
    }

    @Override
    public Dataplane dataplane(String name) {
        if (!dataplaneNames().contains(name)) {
            throw new NotFoundException("the agent at " + client.socket() + " has no dataplane named " + name
                    + " (it has: " + dataplaneNames() + ")");
        }
        return client.dataplane(name);
    }

    @Override
    public List<DataplaneHealth> health() {
        return client.health().dataplanes().stream().map(AgentDataplaneAccess::health).toList();
    }

    private static DataplaneHealth health(AgentHealth.DataplaneHealth h) {
        return new DataplaneHealth(h.name(), text(h.provider()), h.backendUp(), text(h.lastError()), time(h.lastSuccessfulApply()),
                h.openedAt() == null ? "" : "owned by the agent since " + h.openedAt());
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    private static String time(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    @Override
    public List<ProviderStatus> providers() {
        return client.providers();
    }

    @Override
    public void close() {
        client.close();
    }
}
