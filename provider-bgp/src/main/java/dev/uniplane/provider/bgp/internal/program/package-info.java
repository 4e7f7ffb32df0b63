/**
 * The resolved model encoded into the kernel: FIB entries for user and learned routes ({@code FibRoutes},
 * {@code LearnedRoutes}), announcements, and policy through nftables: {@link
 * dev.uniplane.provider.bgp.internal.program.NftRuleset} encodes a resolved policy set as one nft JSON transaction
 * (pure), {@link dev.uniplane.provider.bgp.internal.program.NftPolicyProgram} runs it in the node namespace and reads
 * the counters back.
 */
package dev.uniplane.provider.bgp.internal.program;
