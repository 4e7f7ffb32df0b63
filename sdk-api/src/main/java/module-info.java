/** Uniplane's public API ({@code dev.uniplane.api}) and provider SPI ({@code dev.uniplane.spi}). */
module dev.uniplane.api {
    requires transitive org.slf4j;
    // optional: only dev.uniplane.spi.StateFiles uses it, and its users bring jackson-databind themselves
    requires static com.fasterxml.jackson.databind;

    exports dev.uniplane.api;
    exports dev.uniplane.spi;
    exports dev.uniplane.spi.policy;
    exports dev.uniplane.spi.state;

    uses dev.uniplane.spi.DataplaneProvider;
}
