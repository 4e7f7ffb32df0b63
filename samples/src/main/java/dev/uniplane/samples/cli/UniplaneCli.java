package dev.uniplane.samples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code uniplane} command line: {@code providers}, {@code demo}, {@code tck} and {@code verify}. */
@Command(name = "uniplane", description = "Uniplane: one Java API for container dataplanes.",
        subcommands = {ProvidersCommand.class, DemoCommand.class, TckCommand.class, VerifyCommand.class, CommandLine.HelpCommand.class})
public final class UniplaneCli implements Runnable {
    @Spec
    CommandSpec spec;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    /** Without a subcommand: print the usage. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A configured command line, for {@link #main} and tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new UniplaneCli());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
