package dev.uniplane.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.lang3.exception.ExceptionUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code uniplane}: the operator's command line. Global options ({@link GlobalOptions}, before or after the subcommand)
 * choose the dataplane and the output format; every command reaches dataplanes through a {@link DataplaneAccess}.
 */
@Command(name = "uniplane", mixinStandardHelpOptions = true, version = "uniplane 0.1.0-SNAPSHOT",
        description = "Operate Uniplane dataplanes: status, endpoints, routes, policies, declarative plan/apply, stats, explain.",
        subcommands = {StatusCommand.class, ProvidersCommand.class, EndpointCommand.class, AttachCommand.class,
                DetachCommand.class, RouteCommand.class, PolicyCommand.class, RemoteCommand.class, PlanCommand.class,
                ApplyCommand.class, GetCommand.class, StatsCommand.class, ExplainCommand.class, DestroyCommand.class,
                CompletionCommand.class,
                CommandLine.HelpCommand.class})
public final class UniplaneCommand implements Runnable {
    /**
     * Commands of other modules, added when their jar is on the class path (bin/uniplane has them): the samples'
     * demo, tck and verify, and the agent itself ({@code uniplane agent}).
     */
    private static final List<String> SAMPLE_COMMANDS = List.of("dev.uniplane.samples.cli.DemoCommand",
            "dev.uniplane.samples.cli.TckCommand", "dev.uniplane.samples.cli.VerifyCommand", "dev.uniplane.agent.AgentCommand");

    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    private final Function<AccessSettings, DataplaneAccess> accessFactory;
    private DataplaneAccess access;

    /** A command line that reaches dataplanes through {@code accessFactory} (tests pass a mock). */
    public UniplaneCommand(Function<AccessSettings, DataplaneAccess> accessFactory) {
        this.accessFactory = accessFactory;
    }

    /** Without a subcommand: the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The access, opened on first use with the settings of the command that runs. */
    synchronized DataplaneAccess access(AccessSettings settings) {
        if (access == null) {
            access = accessFactory.apply(settings);
        }
        return access;
    }

    synchronized void closeAccess() {
        if (access != null) {
            DataplaneAccess closing = access;
            access = null;
            closing.close();
        }
    }

    /** A configured command line: error handling and exit codes, the samples' commands when present. */
    public static CommandLine commandLine(Function<AccessSettings, DataplaneAccess> accessFactory) {
        UniplaneCommand root = new UniplaneCommand(accessFactory);
        CommandLine commandLine = new CommandLine(root);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        for (String name : SAMPLE_COMMANDS) {
            try {
                commandLine.addSubcommand(Class.forName(name));
            } catch (ClassNotFoundException absent) {
                // a build without the samples: the commands are simply not offered
            }
        }
        commandLine.setExecutionExceptionHandler((error, failed, parseResult) -> {
            ExitCode code = ExitCode.of(error);
            PrintWriter err = failed.getErr();
            err.println(failed.getColorScheme().errorText("error: " + ExceptionUtils.getMessage(error).replaceFirst("^[A-Za-z]+Exception: ", "")));
            if (code == ExitCode.INTERNAL) {
                error.printStackTrace(err);
            }
            err.flush();
            return code.code();
        });
        return commandLine;
    }

    /** Runs one command line and closes the access it opened; returns the exit code. */
    public static int execute(Function<AccessSettings, DataplaneAccess> accessFactory, PrintWriter out, PrintWriter err, String... args) {
        return execute(accessFactory, out, err, false, args);
    }

    /**
     * Like {@link #execute(Function, PrintWriter, PrintWriter, String...)}; with {@code closeOnSignal} the access is
     * also closed when the JVM is stopped (Ctrl-C during {@code stats --watch}), so dataplanes are closed cleanly.
     */
    static int execute(Function<AccessSettings, DataplaneAccess> accessFactory, PrintWriter out, PrintWriter err,
                       boolean closeOnSignal, String... args) {
        CommandLine commandLine = commandLine(accessFactory);
        commandLine.setOut(out);
        commandLine.setErr(err);
        UniplaneCommand root = commandLine.getCommand();
        Thread onSignal = Thread.ofPlatform().unstarted(() -> root.closeQuietly(err));
        if (closeOnSignal) {
            Runtime.getRuntime().addShutdownHook(onSignal);
        }
        try {
            return commandLine.execute(args);
        } finally {
            if (closeOnSignal) {
                try {
                    Runtime.getRuntime().removeShutdownHook(onSignal);
                } catch (IllegalStateException shuttingDown) {
                    // the hook runs (or ran) already
                }
            }
            root.closeQuietly(err);
        }
    }

    private void closeQuietly(PrintWriter err) {
        try {
            closeAccess();
        } catch (RuntimeException e) {
            err.println("error: closing the dataplanes failed: " + ExceptionUtils.getMessage(e));
            err.flush();
        }
    }

    public static void main(String[] args) {
        // Providers log their progress at INFO; an operator's command shows warnings only unless asked otherwise.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(Accesses::open, out, err, true, args));
    }
}
