/** Uniplane's public API ({@code dev.uniplane.api}) and provider SPI ({@code dev.uniplane.spi}). */
module dev.uniplane.api {
    requires transitive org.slf4j;

    exports dev.uniplane.api;
    exports dev.uniplane.spi;

    uses dev.uniplane.spi.DataplaneProvider;
}
