/** The service-provider interface a backend implements: {@link dev.uniplane.spi.DataplaneProvider}. */
package dev.uniplane.spi;
