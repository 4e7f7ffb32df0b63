package dev.uniplane.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the global options say about reaching dataplanes.
 *
 * @param agentSocket the agent's socket, or {@code null} to open dataplanes in this process
 * @param dataplanes  the dataplane names to open in process (the first is the default of every command)
 * @param provider    the provider to open them with, or {@code null} for the best available
 * @param hostNetns   their node namespace, or {@code null} for this process's
 * @param uplink      their uplink, or {@code null} for none
 * @param options     provider options
 */
public record AccessSettings(Path agentSocket, List<String> dataplanes, String provider, String hostNetns, String uplink,
                             Map<String, String> options) {
    public AccessSettings {
        dataplanes = List.copyOf(dataplanes);
        options = Map.copyOf(options);
    }
}
