package dev.uniplane.provider.ebpf.internal.ffm;

/**
 * A loaded program of a {@link BpfObject}. The fd belongs to the object and is closed with it.
 *
 * @param name the C function name, e.g. {@code from_endpoint}
 * @param fd   the program fd (for tc attach, test runs, links)
 */
public record BpfProgram(String name, int fd) {
}
