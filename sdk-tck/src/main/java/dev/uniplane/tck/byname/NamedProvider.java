package dev.uniplane.tck.byname;

import dev.uniplane.api.Dataplanes;
import dev.uniplane.spi.DataplaneProvider;

/**
 * The provider under test when it is named, not coded: {@code -Duniplane.tck.provider=NAME}, found through
 * {@link Dataplanes#discover()} (the thread context class loader, so a runner can add provider jars).
 */
public final class NamedProvider {
    /** The system property that names the provider under test. */
    public static final String PROPERTY = "uniplane.tck.provider";

    private NamedProvider() {
    }

    /** The named provider; fails naming what was found when the property is missing or names no provider. */
    public static DataplaneProvider resolve() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("set -D" + PROPERTY + "=NAME to say which provider the kit runs against");
        }
        Dataplanes found = Dataplanes.discover();
        return found.provider(name).orElseThrow(() -> new IllegalStateException("no provider named " + name
                + " on the class path; found " + found.list().stream().map(s -> s.name()).toList()
                + (found.loadErrors().isEmpty() ? "" : ", load errors: " + found.loadErrors())));
    }
}
