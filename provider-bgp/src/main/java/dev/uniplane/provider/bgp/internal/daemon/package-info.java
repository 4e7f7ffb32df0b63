/** The {@code gobgpd} process this provider starts and owns in a node's network namespace. */
package dev.uniplane.provider.bgp.internal.daemon;
