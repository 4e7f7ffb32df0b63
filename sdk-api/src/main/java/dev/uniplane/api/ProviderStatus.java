package dev.uniplane.api;

import dev.uniplane.spi.Availability;

/** One line of {@link Dataplanes#list()}: a discovered provider and whether it can run here. */
public record ProviderStatus(String name, String description, Capabilities capabilities, int priority, Availability availability) {
}
