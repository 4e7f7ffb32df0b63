/**
 * The Uniplane model and entry points: {@link dev.uniplane.api.Dataplanes} finds providers, a
 * {@link dev.uniplane.api.Dataplane} attaches workloads, routes prefixes, applies policy and reads stats. Every model
 * type is an immutable record validated at construction; errors name the field and the bad value.
 */
package dev.uniplane.api;
