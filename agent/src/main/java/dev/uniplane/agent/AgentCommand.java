package dev.uniplane.agent;

import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.InvalidSpecException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uniplane agent [--config agent.yaml] [--socket /run/uniplane/agent.sock]}: runs the {@link Agent} until
 * SIGTERM or SIGINT, which close its dataplanes cleanly (close, not destroy). Prints one line
 * {@code uniplane agent ready on SOCKET} on standard output once it serves. A malformed config exits with
 * {@link #EXIT_CONFIG} and a one-line message naming file, line, column, field and value; a socket that is in use or
 * cannot be created with {@link #EXIT_START}. Configured dataplanes that fail to open do not stop the agent (see health).
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the Uniplane agent: open the configured dataplanes, keep them, and serve the agent API on a unix socket.")
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "the agent's configuration (YAML): dataplanes to open")
    Path config;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "the unix socket to serve on (default: the config's socket, else /run/uniplane/agent.sock)")
    Path socket;

    /** Exit code of a malformed config file or option. */
    public static final int EXIT_CONFIG = 2;
    /** Exit code when the agent cannot start (socket in use, cannot be created). */
    public static final int EXIT_START = 1;

    @Override
    public Integer call() throws InterruptedException {
        Agent agent;
        Path where;
        try {
            AgentConfig agentConfig = config == null ? AgentConfig.empty() : AgentConfig.read(config);
            where = socket != null ? socket : agentConfig.socket() != null ? agentConfig.socket() : Agent.DEFAULT_SOCKET;
            agent = Agent.start(Dataplanes.discover(), agentConfig, where);
        } catch (InvalidSpecException e) {
            System.err.println("uniplane agent: " + e.getMessage());
            return EXIT_CONFIG;
        } catch (DataplaneException | java.io.UncheckedIOException e) {
            System.err.println("uniplane agent: " + e.getMessage());
            return EXIT_START;
        }
        // SIGTERM/SIGINT run the shutdown hooks: the dataplanes are closed before the JVM exits.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("uniplane-agent-shutdown").unstarted(agent::close));
        System.out.println("uniplane agent ready on " + where);
        System.out.flush();
        agent.awaitTermination();
        return 0;
    }

    /** Runs the agent as its own program (the systemd unit and tests use this; the CLI adds the command as a subcommand). */
    public static void main(String[] args) {
        int exit = new CommandLine(new AgentCommand()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }
}
