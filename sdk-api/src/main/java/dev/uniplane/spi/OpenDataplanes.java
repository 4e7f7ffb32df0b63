package dev.uniplane.spi;

import dev.uniplane.api.ConflictException;
import dev.uniplane.api.Dataplane;
import java.util.HashMap;
import java.util.Map;

/**
 * The dataplanes open in this JVM, by provider and name: a second open of the same name would take the backend over
 * under the first (re-attach programs, flip policy slots), so it is refused with {@link ConflictException}. A name is
 * claimed by {@link ProbingProvider#open} before the provider touches anything and released by {@link Dataplane#close()}.
 */
final class OpenDataplanes {
    private static final Object OPENING = new Object();
    private static final Map<String, Object> OPEN = new HashMap<>();

    private OpenDataplanes() {
    }

    private static String key(String provider, String name) {
        return provider + "/" + name;
    }

    /** Claims the name for an open in progress. */
    static synchronized void claim(String provider, String name) {
        if (OPEN.putIfAbsent(key(provider, name), OPENING) != null) {
            throw new ConflictException("dataplane " + name + " of provider " + provider + " is already open in this JVM;"
                    + " use that instance, or close it before opening the name again");
        }
    }

    /** The open succeeded: {@code dataplane} holds the claim until it is closed. */
    static synchronized void opened(String provider, String name, Dataplane dataplane) {
        OPEN.replace(key(provider, name), OPENING, dataplane);
    }

    /** The open failed: the claim goes. */
    static synchronized void failed(String provider, String name) {
        OPEN.remove(key(provider, name), OPENING);
    }

    /** {@code dataplane} was closed: its claim (if it has one) goes. */
    static synchronized void closed(String provider, String name, Dataplane dataplane) {
        OPEN.remove(key(provider, name), dataplane);
    }
}
