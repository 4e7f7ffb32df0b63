package dev.uniplane.agent.client;

import dev.uniplane.spi.Availability;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The agent's health, as {@link AgentClient#health()} reports it.
 *
 * @param version    the agent's version
 * @param pid        the agent's process id
 * @param startedAt  when the agent started
 * @param socket     the socket it serves on
 * @param dataplanes each dataplane, also configured ones that failed to open
 * @param providers  each provider a dataplane uses
 */
public record AgentHealth(String version, long pid, Instant startedAt, Path socket, List<DataplaneHealth> dataplanes,
                          List<ProviderHealth> providers) {
    public AgentHealth {
        dataplanes = List.copyOf(dataplanes);
        providers = List.copyOf(providers);
    }

    /** True when every dataplane's backend answers and every provider in use is available. */
    public boolean healthy() {
        return dataplanes.stream().allMatch(DataplaneHealth::backendUp) && providers.stream().allMatch(p -> p.availability().available());
    }

    /**
     * One dataplane's health. Times are {@code null} when the event has not happened.
     *
     * @param name                 the dataplane
     * @param provider             its provider (empty when a configured dataplane without provider failed to open)
     * @param backendUp            whether its backend (kernel maps, daemon) answered a read just now
     * @param lastError            the last error any call on it reported (type and message), or {@code null}
     * @param lastErrorAt          when that was
     * @param lastSuccessfulApply  when the last {@code apply(Plan)} succeeded
     * @param lastSuccessfulChange when the last change of any kind (attach, route, policy, apply ...) succeeded
     * @param openedAt             when the agent opened it ({@code null} when opening failed)
     */
    public record DataplaneHealth(String name, String provider, boolean backendUp, String lastError, Instant lastErrorAt,
                                  Instant lastSuccessfulApply, Instant lastSuccessfulChange, Instant openedAt) {
    }

    /**
     * One provider's health.
     *
     * @param name         the provider
     * @param availability whether it can run here, and if not why
     * @param dataplanes   the agent's dataplanes on it
     */
    public record ProviderHealth(String name, Availability availability, List<String> dataplanes) {
        public ProviderHealth {
            dataplanes = List.copyOf(dataplanes);
        }
    }
}
