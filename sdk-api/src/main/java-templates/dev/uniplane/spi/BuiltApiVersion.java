package dev.uniplane.spi;

/**
 * Written by the build (sdk-api/pom.xml filters this template with the project version), never by hand: the version
 * of the sdk-api being compiled. {@link DataplaneProvider#API_VERSION} is a compile-time constant made from it, so a
 * provider that returns that constant from {@code apiVersion()} carries the version it was compiled against.
 */
final class BuiltApiVersion {
    static final String VALUE = "${project.version}";

    private BuiltApiVersion() {
    }
}
