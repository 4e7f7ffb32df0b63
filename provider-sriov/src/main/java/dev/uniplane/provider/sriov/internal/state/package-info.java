/** The SR-IOV provider's records inside the SPI's saved state. */
package dev.uniplane.provider.sriov.internal.state;
