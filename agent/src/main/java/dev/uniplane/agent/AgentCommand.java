package dev.uniplane.agent;

import dev.uniplane.api.Dataplanes;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code uniplane agent [--config agent.yaml] [--socket /run/uniplane/agent.sock]}: runs the {@link Agent} until
 * SIGTERM or SIGINT, which close its dataplanes cleanly (close, not destroy). Prints one line
 * {@code uniplane agent ready on SOCKET} on standard output once it serves.
 */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Run the Uniplane agent: open the configured dataplanes, keep them, and serve the agent API on a unix socket.")
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "the agent's configuration (YAML): dataplanes to open")
    Path config;

    @Option(names = "--socket", paramLabel = "PATH",
            description = "the unix socket to serve on (default: the config's socket, else /run/uniplane/agent.sock)")
    Path socket;

    @Override
    public Integer call() throws InterruptedException {
        AgentConfig agentConfig = config == null ? AgentConfig.empty() : AgentConfig.read(config);
        Path where = socket != null ? socket : agentConfig.socket() != null ? agentConfig.socket() : Agent.DEFAULT_SOCKET;
        Agent agent = Agent.start(Dataplanes.discover(), agentConfig, where);
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
