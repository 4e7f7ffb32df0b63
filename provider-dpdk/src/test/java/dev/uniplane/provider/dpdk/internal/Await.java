package dev.uniplane.provider.dpdk.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.uniplane.tck.harness.KitTimeouts;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/** Bounded readiness checks for tests: poll until a condition holds instead of sleeping for a fixed time. */
public final class Await {
    private Await() {
    }

    /**
     * Returns as soon as {@code condition} holds.
     *
     * @throws AssertionError when it does not hold within {@code timeout}; the message says what was awaited
     */
    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        // The kit's poll, so UNIPLANE_TCK_TIMEOUT_SCALE stretches these waits too on a slow machine.
        if (!KitTimeouts.await(timeout, condition)) {
            throw new AssertionError("timed out after " + KitTimeouts.scaled(timeout).toMillis() + " ms waiting until " + what);
        }
    }

    /**
     * Whether a TCP socket listens on {@code port} in the network namespace of process {@code pid} (its
     * {@code /proc/<pid>/net/tcp} and {@code tcp6}; false once the process is gone).
     */
    public static boolean listeningTcp(long pid, int port) {
        String local = String.format(Locale.ROOT, ":%04X ", port);
        for (String table : new String[] {"tcp", "tcp6"}) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table))) {
                    String[] fields = line.trim().split("\\s+");
                    // sl local_address rem_address st ...; st 0A is LISTEN
                    if (fields.length > 3 && (fields[1] + " ").endsWith(local) && fields[3].equals("0A")) {
                        return true;
                    }
                }
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }
}
