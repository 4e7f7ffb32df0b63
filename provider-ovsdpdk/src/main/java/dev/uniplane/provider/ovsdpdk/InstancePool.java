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
 * kit's second dataplane). The last release stops the instance unless a closed dataplane's bridge is parked on it.
 */
final class InstancePool {
    private static final class Entry {
        final OvsInstance instance;
        int users;
        /** Bridges of closed dataplanes left running for a later open to adopt (RESTART_SURVIVAL). */
        final java.util.Set<String> parked = new java.util.HashSet<>();

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

    /** The running instance for {@code netns} if this JVM has one (a later open adopts a parked bridge on it). */
    static synchronized Optional<OvsInstance> running(Optional<String> netns) {
        Entry entry = BY_NETNS.get(netns.orElse(""));
        return entry == null ? Optional.empty() : Optional.of(entry.instance);
    }

    /** Gives up one use but keeps the instance running with {@code bridge} for a later open of the same name. */
    static synchronized void park(OvsInstance instance, String bridge) {
        for (Entry entry : BY_NETNS.values()) {
            if (entry.instance == instance) {
                entry.users--;
                entry.parked.add(bridge);
                return;
            }
        }
    }

    /** The parked {@code bridge} is in use again (the caller has {@link #acquire}d the instance). */
    static synchronized void unpark(OvsInstance instance, String bridge) {
        for (Entry entry : BY_NETNS.values()) {
            if (entry.instance == instance) {
                entry.parked.remove(bridge);
            }
        }
    }

    /** Gives up one use (and forgets {@code bridge} as parked); the last one stops the instance when nothing is parked. */
    static synchronized void release(OvsInstance instance, String bridge) {
        for (var it = BY_NETNS.entrySet().iterator(); it.hasNext(); ) {
            Entry entry = it.next().getValue();
            if (entry.instance == instance) {
                entry.parked.remove(bridge);
                if (--entry.users == 0 && entry.parked.isEmpty()) {
                    it.remove();
                    instance.close();
                }
                return;
            }
        }
        instance.close();
    }
}
