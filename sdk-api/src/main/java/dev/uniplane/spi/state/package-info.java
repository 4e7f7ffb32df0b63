/** The one saved-state record of the SPI: what a dataplane writes after every change so that a later open adopts it. */
package dev.uniplane.spi.state;
