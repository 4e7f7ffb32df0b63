package dev.uniplane.agent.client;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.DataplaneConfig;

/**
 * A dataplane the agent owns, as {@link AgentClient#dataplanes()} lists it.
 *
 * @param name         the dataplane's name
 * @param provider     the provider that runs it
 * @param capabilities what the provider can do
 * @param config       the config it was opened with (provider filled in)
 * @param configured   declared in the agent's config file (reopened after a restart), not opened at runtime
 * @param endpoints    attached endpoints
 * @param routes       explicit routes
 * @param policies     policies in force
 * @param rules        rules over all policies and directions
 * @param remotes      registered remote endpoints
 */
public record DataplaneInfo(String name, String provider, Capabilities capabilities, DataplaneConfig config, boolean configured,
                            int endpoints, int routes, int policies, int rules, int remotes) {
}
