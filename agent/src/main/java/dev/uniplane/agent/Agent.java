package dev.uniplane.agent;

import dev.uniplane.api.ConflictException;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.NotFoundException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Uniplane agent: a long-running process that opens and owns dataplanes (any provider, one or more), keeps them
 * across client disconnects and serves the agent API ({@code uniplane/agent/v1/agent.proto}) on a unix domain socket
 * that only its owner may use (mode 0600).
 *
 * <p>{@link #close()} closes every dataplane (close, not destroy): with {@code RESTART_SURVIVAL} what they programmed
 * keeps forwarding, and the next agent on the same config adopts it when it opens them again. The same holds when the
 * agent is killed: a restarted agent reopens its configured dataplanes and their providers adopt the saved state.
 */
public final class Agent implements AutoCloseable {
    /** Where the agent listens unless told otherwise. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/uniplane/agent.sock");
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final Dataplanes providers;
    private final Clock clock;
    private final Instant startedAt;
    private final Map<String, ManagedDataplane> dataplanes = new LinkedHashMap<>();
    /** Configured dataplanes that failed to open at start, with the error (shown by health, retried by open). */
    private final Map<String, FailedOpen> failed = new LinkedHashMap<>();
    private final Path socket;
    private UnixSocketServer server;

    /** A configured dataplane that could not be opened. */
    record FailedOpen(DataplaneConfig config, RuntimeException error, Instant at) {
    }

    Agent(Dataplanes providers, Path socket, Clock clock) {
        this.providers = providers;
        this.socket = socket;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    /**
     * Opens the configured dataplanes (one that fails is logged and reported by health, the others go on) and starts
     * serving on {@code socket}.
     *
     * @param providers where dataplanes are opened ({@link Dataplanes#discover()} in production)
     * @param config    the dataplanes to open
     * @param socket    the socket file to create
     */
    public static Agent start(Dataplanes providers, AgentConfig config, Path socket) {
        Agent agent = new Agent(providers, socket, Clock.systemUTC());
        try {
            for (DataplaneConfig dp : config.dataplanes()) {
                agent.openConfigured(dp);
            }
            agent.server = UnixSocketServer.start(socket, new AgentService(agent));
            LOG.info("uniplane agent serving {} dataplane(s) on {}", agent.dataplanes.size(), socket);
            return agent;
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    private void openConfigured(DataplaneConfig config) {
        try {
            open(config, true);
        } catch (RuntimeException e) {
            LOG.error("cannot open configured dataplane {}: {}", config.name(), e.getMessage(), e);
            synchronized (this) {
                failed.put(config.name(), new FailedOpen(config, e, clock.instant()));
            }
        }
    }

    /** The socket the agent serves on. */
    public Path socket() {
        return socket;
    }

    Instant startedAt() {
        return startedAt;
    }

    Dataplanes providers() {
        return providers;
    }

    /** Opens a dataplane and takes ownership; a name the agent already owns is a {@link ConflictException}. */
    ManagedDataplane open(DataplaneConfig config, boolean configured) {
        synchronized (this) {
            if (dataplanes.containsKey(config.name())) {
                throw new ConflictException("the agent already has a dataplane named " + config.name());
            }
            // Opening may start daemons: under the agent's lock, so two opens of one name cannot race.
            Dataplane dp = providers.open(config);
            DataplaneConfig opened = config.toBuilder().provider(dp.provider()).build();
            ManagedDataplane managed = new ManagedDataplane(dp, opened, configured || failed.containsKey(config.name()), clock);
            failed.remove(config.name());
            dataplanes.put(config.name(), managed);
            LOG.info("opened dataplane {} on provider {}", config.name(), dp.provider());
            return managed;
        }
    }

    /** The dataplane named, or {@link NotFoundException} naming the ones the agent has. */
    synchronized ManagedDataplane dataplane(String name) {
        ManagedDataplane dp = dataplanes.get(name);
        if (dp == null) {
            throw new NotFoundException("the agent has no dataplane named " + name + " (it has " + dataplanes.keySet() + ")");
        }
        return dp;
    }

    synchronized List<ManagedDataplane> dataplanes() {
        return List.copyOf(dataplanes.values());
    }

    synchronized List<FailedOpen> failedOpens() {
        return List.copyOf(failed.values());
    }

    /** Closes one dataplane (it keeps forwarding where its provider survives restarts) and forgets it. */
    void close(String name) {
        ManagedDataplane dp = dataplane(name);
        synchronized (this) {
            dataplanes.remove(name);
        }
        dp.endWatches();
        dp.dataplane().close();
    }

    /** Removes everything one dataplane programmed and forgets it. */
    void destroy(String name) {
        ManagedDataplane dp = dataplane(name);
        synchronized (this) {
            dataplanes.remove(name);
        }
        dp.endWatches();
        dp.dataplane().destroy();
    }

    /** Blocks until the server stops (after {@link #close()}). */
    public void awaitTermination() throws InterruptedException {
        UnixSocketServer s = server;
        if (s != null) {
            s.awaitTermination();
        }
    }

    /** Ends watch streams, stops serving, then closes every dataplane (never destroys). Idempotent. */
    @Override
    public void close() {
        List<ManagedDataplane> open;
        synchronized (this) {
            open = new ArrayList<>(dataplanes.values());
            dataplanes.clear();
        }
        open.forEach(ManagedDataplane::endWatches);
        if (server != null) {
            server.close();
        }
        for (ManagedDataplane dp : open.reversed()) {
            try {
                dp.dataplane().close();
                LOG.info("closed dataplane {}", dp.name());
            } catch (RuntimeException e) {
                LOG.warn("closing dataplane {} failed: {}", dp.name(), e.getMessage(), e);
            }
        }
    }
}
