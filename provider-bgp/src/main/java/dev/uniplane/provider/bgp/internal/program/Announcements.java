package dev.uniplane.provider.bgp.internal.program;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.provider.bgp.internal.wire.BgpRoute;
import dev.uniplane.provider.bgp.internal.wire.GobgpClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The prefixes this node originates into GoBGP's global RIB (announced to every peer), each with the configured
 * communities and the unspecified next hop, which GoBGP replaces with the session's local address. {@link #set}
 * moves from the announced set to a wanted one, all or nothing.
 */
public final class Announcements {
    private final List<Long> communities;
    private final Set<IpPrefix> announced = new LinkedHashSet<>();
    private GobgpClient client;

    public Announcements(GobgpClient client, List<Long> communities) {
        this.client = client;
        this.communities = List.copyOf(communities);
    }

    /** Announces what {@code wanted} adds and withdraws what it drops; on a failure undoes this call's changes and throws. */
    public void set(Set<IpPrefix> wanted) {
        List<IpPrefix> added = new ArrayList<>();
        List<IpPrefix> withdrawn = new ArrayList<>();
        try {
            for (IpPrefix p : wanted) {
                if (!announced.contains(p)) {
                    client.addPath(route(p));
                    added.add(p);
                }
            }
            for (IpPrefix p : List.copyOf(announced)) {
                if (!wanted.contains(p)) {
                    client.deletePath(route(p));
                    withdrawn.add(p);
                }
            }
        } catch (RuntimeException e) {
            for (IpPrefix p : added) {
                undo(() -> client.deletePath(route(p)), e);
            }
            for (IpPrefix p : withdrawn) {
                undo(() -> client.addPath(route(p)), e);
            }
            throw e;
        }
        announced.addAll(added);
        withdrawn.forEach(announced::remove);
    }

    /** Announces everything again through {@code replacement} (a restarted or adopted daemon). */
    public void reannounce(GobgpClient replacement) {
        this.client = replacement;
        Set<IpPrefix> wanted = Set.copyOf(announced);
        announced.clear();
        set(new LinkedHashSet<>(wanted));
    }

    /** Forgets the announced set without talking to the daemon (it went away or restarted with no paths). */
    public void forget() {
        announced.clear();
    }

    /** What is announced now. */
    public Set<IpPrefix> announced() {
        return Set.copyOf(announced);
    }

    private BgpRoute route(IpPrefix prefix) {
        IpAddress self = prefix.family() == IpFamily.IPV4 ? IpAddress.ofV4(0) : IpAddress.ofV6(0, 0);
        return BgpRoute.announce(prefix, self, communities);
    }

    private static void undo(Runnable step, RuntimeException failure) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
