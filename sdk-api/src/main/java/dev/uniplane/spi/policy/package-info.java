/**
 * Datapath-independent policy resolution: {@link dev.uniplane.spi.policy.PolicyResolver} turns a
 * {@link dev.uniplane.api.PolicySet}, the local endpoints and the registered remote endpoints into a
 * {@link dev.uniplane.spi.policy.ResolvedPolicy} (rules in one global order, their peers as prefixes, their ports as
 * protocols and port prefixes, and per local endpoint and direction the rules that apply), which a provider then only
 * encodes into its own tables. Resolution lives here once, as Cilium separates {@code pkg/policy} from
 * {@code pkg/maps}.
 */
package dev.uniplane.spi.policy;
