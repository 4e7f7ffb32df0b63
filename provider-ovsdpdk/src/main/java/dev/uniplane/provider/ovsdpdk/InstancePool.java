package dev.uniplane.provider.ovsdpdk;

import dev.uniplane.provider.ovsdpdk.internal.daemon.OvsInstance;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One private OVS instance per node namespace, shared by the dataplanes of this JVM that run there (each has its own
 * bridge). Why: two vswitchd processes cannot share a namespace. The netdev datapath of each creates a tap named
 * {@code ovs-netdev} there, so the second instance's bridge never came up (no {@code <bridge>.mgmt}; measured with the
 * kit's second dataplane). The last release stops the instance.
 */
final class InstancePool {
    private static final class Entry {
        final OvsInstance instance;
        int users;

        Entry(OvsInstance instance) {
            this.instance = instance;
        }
    }

    private static final Map<String, Entry> BY_NETNS = new HashMap<>();

    private InstancePool() {
    }

    /** The instance for {@code netns} (empty: the caller's namespace), started on first use. */
    static synchronized OvsInstance acquire(Optional<String> netns) {
        String key = netns.orElse("");
        Entry entry = BY_NETNS.get(key);
        if (entry == null) {
            OvsInstance.Options options = OvsInstance.Options.defaults();
            entry = new Entry(OvsInstance.start(netns.map(p -> options.inNetns(Path.of(p))).orElse(options)));
            BY_NETNS.put(key, entry);
        }
        entry.users++;
        return entry.instance;
    }

    /** Gives up one use; the last one stops the instance. */
    static synchronized void release(OvsInstance instance) {
        for (var it = BY_NETNS.entrySet().iterator(); it.hasNext(); ) {
            Entry entry = it.next().getValue();
            if (entry.instance == instance) {
                if (--entry.users == 0) {
                    it.remove();
                    instance.close();
                }
                return;
            }
        }
        instance.close();
    }
}
