package dev.uniplane.provider.vpp.internal.state;

/**
 * The dataplane-level record: which VPP it used.
 *
 * @param apiSocket the VPP's API socket
 * @param owned     whether the dataplane started that VPP (and so restarts and stops it)
 * @param pid       the started VPP's pid, 0 for one that was not started here
 */
public record VppState(String apiSocket, boolean owned, long pid) {
}
