/** Abstract verification classes a provider's tests extend, and the topology and traffic harness they use. */
package dev.uniplane.tck;
