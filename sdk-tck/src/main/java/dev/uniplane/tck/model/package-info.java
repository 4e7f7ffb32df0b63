/**
 * The reference model: a pure-Java, executable form of the Uniplane behavioural contract (SEMANTICS.md). Given
 * endpoints, remote endpoints, routes and a policy set, {@link dev.uniplane.tck.model.ReferenceModel} computes for a
 * {@link dev.uniplane.tck.model.Packet} the route decision and the {@link dev.uniplane.tck.model.Verdict} (drop
 * reason, deciding rule, per-check details), tracks flows statefully and keeps the counters a backend reports.
 * It is the oracle of conformance and differential tests, never a provider.
 */
package dev.uniplane.tck.model;
