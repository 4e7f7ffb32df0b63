package dev.uniplane.samples.cli;

import dev.uniplane.api.Capability;
import dev.uniplane.api.ProviderStatus;
import java.util.List;

/**
 * One provider as the CLI shows it, in the shape of the {@code --json} output.
 *
 * @param name         provider name
 * @param description  one line for humans
 * @param priority     preference among available providers (higher wins)
 * @param available    whether the provider can open a dataplane here
 * @param cause        why not (empty when available)
 * @param hint         how to fix it (may be empty)
 * @param capabilities what the provider declares
 */
public record ProviderRow(String name, String description, int priority, boolean available, String cause, String hint,
                          List<String> capabilities) {

    public ProviderRow {
        capabilities = List.copyOf(capabilities);
    }

    /** The row of a {@link dev.uniplane.api.Dataplanes#list()} entry. */
    public static ProviderRow of(ProviderStatus status) {
        return new ProviderRow(status.name(), status.description(), status.priority(), status.availability().available(),
                status.availability().cause(), status.availability().hint(),
                status.capabilities().values().stream().map(Capability::name).toList());
    }
}
