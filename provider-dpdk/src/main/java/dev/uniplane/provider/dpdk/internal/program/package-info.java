/**
 * Policy compilation for the DPDK fast path: {@link dev.uniplane.provider.dpdk.internal.program.PolicyCompiler} turns a
 * {@code PolicySet}, the local endpoints and the registered remote endpoints into an immutable
 * {@link dev.uniplane.provider.dpdk.internal.program.CompiledPolicy} that the router evaluates per new flow without
 * allocating.
 */
package dev.uniplane.provider.dpdk.internal.program;
