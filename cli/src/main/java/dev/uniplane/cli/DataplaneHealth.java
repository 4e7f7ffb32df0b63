package dev.uniplane.cli;

/**
 * How one dataplane is doing.
 *
 * @param name      the dataplane's name
 * @param provider  the provider that runs it, or empty when it could not be opened
 * @param up        whether it is open and answering
 * @param lastError the last error, empty when none
 * @param lastApply ISO-8601 time of the last successful apply, empty when unknown
 * @param note      anything an operator should know (e.g. state that ends with the process), empty when none
 */
public record DataplaneHealth(String name, String provider, boolean up, String lastError, String lastApply, String note) {
}
