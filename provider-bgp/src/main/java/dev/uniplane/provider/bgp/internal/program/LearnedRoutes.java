package dev.uniplane.provider.bgp.internal.program;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.linux.LinuxException;
import dev.uniplane.linux.RouteInfo;
import dev.uniplane.linux.RouteOperation;
import dev.uniplane.linux.RouteSpec;
import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.bgp.internal.wire.BgpPeerStatus;
import dev.uniplane.provider.bgp.internal.wire.BgpRoute;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the best paths GoBGP learned from peers into the node namespace's kernel FIB, at
 * {@link FibRoutes#LEARNED_METRIC} (so the user's routes, at a lower metric, win for the same prefix). GoBGP's
 * WatchEvent thread only queues events ({@link #submit}); one writer thread drains everything queued, keeps the last
 * state per prefix (a burst of 100k paths becomes one pass) and writes it with batched netlink requests (one REPLACE
 * batch, one DELETE batch). Each event lists, per prefix, its complete current set of best paths (with multipath: all
 * equal ones), so the next hops of a prefix are replaced, never merged; a prefix whose paths are all withdrawn is
 * deleted.
 *
 * <p>After a restart the routes already in the kernel are {@link #adopt adopted} as stale: they keep forwarding until
 * an event refreshes them or {@link #sweepStale} removes those that were not refreshed (graceful restart).
 */
public final class LearnedRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LearnedRoutes.class);
    private static final List<BgpRoute> FLUSH = List.of();
    private final RtNetlink fib;
    private final int linkLocalIfindex;
    private final LinkedBlockingQueue<List<BgpRoute>> queue = new LinkedBlockingQueue<>();
    /** What the kernel holds for each learned prefix: the next hops written last. */
    private final Map<IpPrefix, List<IpAddress>> installed = new ConcurrentHashMap<>();
    private final Set<IpPrefix> stale = ConcurrentHashMap.newKeySet();
    private final Thread writer;
    private volatile boolean closed;
    private volatile long written;

    /**
     * @param fib              a netlink socket of the node namespace, used only by the writer thread (and owned: closed
     *                         by {@link #close()})
     * @param linkLocalIfindex the interface link-local next hops are reached through (the uplink), 0 for none
     */
    public LearnedRoutes(RtNetlink fib, int linkLocalIfindex, String name) {
        this.fib = fib;
        this.linkLocalIfindex = linkLocalIfindex;
        this.writer = Thread.ofPlatform().daemon().name("bgp-fib-" + name).unstarted(this::drain);
    }

    /** Starts the writer thread. */
    public LearnedRoutes start() {
        writer.start();
        return this;
    }

    /** Queues the paths of one WatchEvent (called on the gRPC thread; never blocks). */
    public void submit(List<BgpRoute> paths) {
        if (!paths.isEmpty() && !closed) {
            queue.add(List.copyOf(paths));
        }
    }

    /** Queues the removal of every learned route (the daemon is gone and graceful restart is off). */
    public void flush() {
        queue.add(FLUSH);
    }

    /** Takes the learned routes a previous process left in the kernel, as stale, until refreshed or swept. */
    public void adopt() {
        for (int af : List.of(RtNetlink.AF_INET, RtNetlink.AF_INET6)) {
            for (RouteInfo r : fib.routes(af, RouteSpec.TABLE_MAIN)) {
                if (r.protocol() == FibRoutes.PROTO_BGP && r.priority() == FibRoutes.LEARNED_METRIC) {
                    List<IpAddress> hops = r.nextHops().isEmpty()
                            ? (r.gateway() == null ? List.of() : List.of(r.gateway()))
                            : r.nextHops().stream().map(h -> h.gateway()).filter(java.util.Objects::nonNull).toList();
                    installed.put(r.destination(), hops);
                    stale.add(r.destination());
                }
            }
        }
        if (!stale.isEmpty()) {
            LOG.info("adopted {} learned routes as stale until the sessions refresh them", stale.size());
        }
    }

    /** Deletes the adopted routes that no event has refreshed since {@link #adopt}. */
    public void sweepStale() {
        List<BgpRoute> withdrawals = new ArrayList<>();
        for (IpPrefix prefix : List.copyOf(stale)) {
            IpAddress none = prefix.family() == IpFamily.IPV4 ? IpAddress.ofV4(0) : IpAddress.ofV6(0, 0);
            withdrawals.add(new BgpRoute(prefix, none, List.of(), "stale", false, true));
        }
        submit(withdrawals);
    }

    /**
     * Marks every learned route in the kernel stale: they keep forwarding until an event refreshes them or
     * {@link #sweepStale} removes the rest (the daemon restarted with graceful restart and learns them again).
     */
    public void markStale() {
        stale.addAll(installed.keySet());
    }

    /** A neighbor's session state changed (from the same stream as the paths, in order). */
    public void peerChanged(BgpPeerStatus peer) {
        // nothing yet: withdrawals arrive as path events
    }

    /** The learned routes in the kernel now: prefix to next hops. */
    public Map<IpPrefix, List<IpAddress>> installed() {
        return Map.copyOf(installed);
    }

    /** How many route writes (replace or delete) the writer has done. */
    public long written() {
        return written;
    }

    /** True when nothing is queued (the writer may still be writing the last batch). */
    public boolean idle() {
        return queue.isEmpty();
    }

    private void drain() {
        List<List<BgpRoute>> batch = new ArrayList<>();
        while (!closed) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch);
            try {
                write(batch);
            } catch (RuntimeException e) {
                LOG.error("writing learned routes failed: {}", e.toString());
            }
            batch.clear();
        }
    }

    private void write(List<List<BgpRoute>> events) {
        // The last word per prefix wins; a flush empties everything queued before it.
        Map<IpPrefix, List<IpAddress>> next = new LinkedHashMap<>();
        for (List<BgpRoute> event : events) {
            if (event == FLUSH) {
                next.clear();
                installed.keySet().forEach(p -> next.put(p, List.of()));
                continue;
            }
            Map<IpPrefix, Set<IpAddress>> byPrefix = new LinkedHashMap<>();
            for (BgpRoute path : event) {
                Set<IpAddress> hops = byPrefix.computeIfAbsent(path.prefix(), p -> new LinkedHashSet<>());
                if (!path.withdrawal() && !(path.nextHop().high() == 0 && path.nextHop().low() == 0) && !isLocal(path)) {
                    hops.add(path.nextHop());
                }
            }
            byPrefix.forEach((prefix, hops) -> next.put(prefix, List.copyOf(hops)));
        }
        List<RouteSpec> replace = new ArrayList<>();
        List<RouteSpec> delete = new ArrayList<>();
        List<IpPrefix> deleted = new ArrayList<>();
        next.forEach((prefix, hops) -> {
            stale.remove(prefix);
            if (hops.isEmpty()) {
                if (installed.containsKey(prefix)) {
                    delete.add(FibRoutes.learnedSelector(prefix));
                    deleted.add(prefix);
                }
            } else if (!hops.equals(installed.get(prefix))) {
                replace.add(FibRoutes.learned(prefix, hops, linkLocalIfindex));
            }
        });
        program(RouteOperation.REPLACE, replace);
        program(RouteOperation.DELETE, delete);
        deleted.forEach(installed::remove);
        next.forEach((prefix, hops) -> {
            if (!hops.isEmpty()) {
                installed.put(prefix, hops);
            }
        });
    }

    /** One batch; when the kernel refuses one route, the rest are written one by one so that one bad path costs only itself. */
    private void program(RouteOperation op, List<RouteSpec> routes) {
        if (routes.isEmpty()) {
            return;
        }
        try {
            fib.programRoutes(op, routes);
        } catch (LinuxException batchFailed) {
            for (RouteSpec r : routes) {
                try {
                    fib.programRoutes(op, List.of(r));
                } catch (LinuxException e) {
                    if (op != RouteOperation.DELETE) {
                        LOG.warn("cannot install learned route {}: {}", r, e.getMessage());
                    }
                }
            }
        }
        written += routes.size();
    }

    private static boolean isLocal(BgpRoute path) {
        String n = path.neighbor();
        return n.isEmpty() || n.equals("<nil>") || n.equals("0.0.0.0") || n.equals("::");
    }

    /** Stops the writer and closes its netlink socket (what is queued is dropped; the kernel keeps what was written). */
    @Override
    public void close() {
        closed = true;
        writer.interrupt();
        try {
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fib.close();
    }
}
