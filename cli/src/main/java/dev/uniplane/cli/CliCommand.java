package dev.uniplane.cli;

import dev.uniplane.api.Dataplane;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand: reaches the root's access, output format and writers. */
abstract class CliCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    UniplaneCommand root() {
        return (UniplaneCommand) spec.root().userObject();
    }

    /** The global options as given on this command, its parents and the root, nearest first. */
    GlobalOptions options() {
        List<GlobalOptions> chain = new ArrayList<>();
        for (CommandSpec c = spec; c != null; c = c.parent()) {
            if (c.userObject() instanceof CliCommand command) {
                chain.add(command.global);
            } else if (c.userObject() instanceof UniplaneCommand root) {
                chain.add(root.global);
            }
        }
        return GlobalOptions.merge(chain);
    }

    DataplaneAccess access() {
        return root().access(options().settings());
    }

    /** The dataplane the command acts on: the first of {@code --dataplane}. */
    Dataplane dataplane() {
        AccessSettings settings = options().settings();
        return root().access(settings).dataplane(settings.dataplanes().getFirst());
    }

    Ansi ansi() {
        return options().ansi();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    Printer printer() {
        return new Printer(options().format(), out());
    }

    Progress progress() {
        return new Progress(options().interactive(), err());
    }

    @Override
    public final Integer call() {
        return execute().code();
    }

    abstract ExitCode execute();
}
