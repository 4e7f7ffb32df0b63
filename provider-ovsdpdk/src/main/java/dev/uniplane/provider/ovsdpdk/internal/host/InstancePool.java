package dev.uniplane.provider.ovsdpdk.internal.host;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The private OVS instance of each node namespace: one per namespace on the machine, in
 * {@code /run/uniplane/ovs/<key>/} (database, sockets, pidfiles, logs), shared by every dataplane there (each has its own
 * bridge) and found again by a later JVM. Why one per namespace: two vswitchd processes cannot share one. The netdev
 * datapath of each creates a tap named {@code ovs-netdev} there, so the second instance's bridge never came up (no
 * {@code <bridge>.mgmt}; measured with the kit's second dataplane). In this JVM the dataplanes share one handle; the
 * last one to let go disconnects, and a destroy stops the instance once no bridge (of any process) is left in it.
 */
public final class InstancePool {
    /** Where private instances live, one directory per node namespace. */
    static final Path ROOT = Path.of("/run/uniplane/ovs");

    private static final class Entry {
        final OvsInstance instance;
        int users;

        Entry(OvsInstance instance) {
            this.instance = instance;
        }
    }

    private static final Map<String, Entry> BY_KEY = new HashMap<>();

    private InstancePool() {
    }

    /** The directory name of the instance for {@code netns} (empty: the caller's namespace). */
    static String keyOf(Optional<String> netns) {
        if (netns.isEmpty()) {
            return "host";
        }
        Path path = Path.of(netns.get());
        String name = path.getFileName() == null ? "ns" : path.getFileName().toString().replaceAll("[^A-Za-z0-9_.-]", "_");
        if (path.startsWith("/run/netns") || path.startsWith("/var/run/netns")) {
            return name.length() > 40 ? name.substring(0, 40) : name;
        }
        // Another kind of path (/proc/<pid>/ns/net, a bind mount elsewhere): the name alone may repeat.
        return (name.length() > 24 ? name.substring(0, 24) : name) + "-" + Integer.toHexString(netns.get().hashCode());
    }

    /** The directory of the instance for {@code netns}. */
    public static Path directoryOf(Optional<String> netns) {
        return ROOT.resolve(keyOf(netns));
    }

    /** The instance for {@code netns}: this JVM's handle, else the running one (any JVM started it), else a new one. */
    public static synchronized OvsInstance acquire(Optional<String> netns) {
        String key = keyOf(netns);
        Entry entry = BY_KEY.get(key);
        if (entry == null) {
            OvsInstance.Options options = OvsInstance.Options.defaults();
            entry = new Entry(OvsInstance.ensureRunning(ROOT.resolve(key),
                    netns.map(p -> options.inNetns(Path.of(p))).orElse(options)));
            BY_KEY.put(key, entry);
        }
        entry.users++;
        return entry.instance;
    }

    /** Gives up one use and leaves the instance running (a closed dataplane's bridge stays in force). */
    public static synchronized void release(OvsInstance instance) {
        Entry entry = entryOf(instance);
        if (entry == null || --entry.users <= 0) {
            forget(instance);
            instance.close();
        }
    }

    /**
     * Gives up one use after the caller removed its bridge: stops the instance ({@code exit --cleanup}, run directory
     * and {@code /var/run/dpdk/<prefix>} removed) when no bridge is left in it, whoever made the others.
     */
    public static synchronized void releaseAndStopIfUnused(OvsInstance instance) {
        boolean unused;
        try {
            unused = instance.ovsdb().cache().rows("Bridge").isEmpty();
        } catch (RuntimeException e) {
            unused = false;
        }
        Entry entry = entryOf(instance);
        if (unused) {
            forget(instance);
            instance.stop();
        } else if (entry == null || --entry.users <= 0) {
            forget(instance);
            instance.close();
        }
    }

    private static Entry entryOf(OvsInstance instance) {
        return BY_KEY.values().stream().filter(e -> e.instance == instance).findFirst().orElse(null);
    }

    private static void forget(OvsInstance instance) {
        BY_KEY.values().removeIf(e -> e.instance == instance);
    }
}
