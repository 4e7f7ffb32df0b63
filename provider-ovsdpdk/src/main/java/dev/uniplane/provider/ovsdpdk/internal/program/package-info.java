/**
 * The OpenFlow program of a dataplane from the resolved model: forwarding tables and ECMP
 * ({@link dev.uniplane.provider.ovsdpdk.internal.program.FlowTables}), policy flows
 * ({@link dev.uniplane.provider.ovsdpdk.internal.program.PolicyFlows}), convergence by difference
 * ({@link dev.uniplane.provider.ovsdpdk.internal.program.FlowConvergence}) and the stats read back from flow and port
 * counters ({@link dev.uniplane.provider.ovsdpdk.internal.program.StatsReader}).
 */
package dev.uniplane.provider.ovsdpdk.internal.program;
