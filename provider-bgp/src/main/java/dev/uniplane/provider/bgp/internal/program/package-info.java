/**
 * The resolved model encoded into the kernel: FIB entries for user and learned routes ({@code FibRoutes}) and the
 * nftables policy program.
 */
package dev.uniplane.provider.bgp.internal.program;
