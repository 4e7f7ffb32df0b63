/** The BGP provider's records inside the SPI's saved state. */
package dev.uniplane.provider.bgp.internal.state;
