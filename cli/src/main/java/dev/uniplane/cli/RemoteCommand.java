package dev.uniplane.cli;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.api.RemoteEndpoint;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uniplane remote list|add|del}: workloads of other nodes that peer selectors match. */
@Command(name = "remote", description = "List, register and unregister remote endpoints.",
        subcommands = {RemoteCommand.ListRemotes.class, RemoteCommand.AddRemote.class, RemoteCommand.DeleteRemote.class})
final class RemoteCommand extends CliCommand {
    @Override
    ExitCode execute() {
        spec.commandLine().usage(out());
        return ExitCode.USAGE;
    }

    /** {@code remote list}. */
    @Command(name = "list", description = "List the registered remote endpoints.")
    static final class ListRemotes extends CliCommand {
        @Override
        ExitCode execute() {
            List<RemoteEndpoint> remotes = dataplane().remotes();
            printer().print(remotes, out -> {
                Table table = new Table("ID", "ADDRESSES", "LABELS");
                remotes.forEach(r -> table.row(r.id(), Text.addresses(r.addresses()), Text.labels(r.labels())));
                table.print(out);
            });
            return ExitCode.OK;
        }
    }

    /** {@code remote add ID --address ADDR --label K=V}. */
    @Command(name = "add", description = "Register (or update) a remote endpoint.")
    static final class AddRemote extends CliCommand {
        @Parameters(paramLabel = "ID", description = "Remote endpoint id.")
        String id;

        @Option(names = "--address", required = true, split = ",", paramLabel = "ADDR", description = "Its addresses.")
        List<String> addresses;

        @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label (repeatable).")
        Map<String, String> labels = new TreeMap<>();

        @Override
        ExitCode execute() {
            RemoteEndpoint remote = new RemoteEndpoint(id, addresses.stream().map(IpAddress::parse).toList(), Labels.of(labels));
            dataplane().registerRemote(remote);
            printer().print(remote, out -> out.println("registered remote " + id));
            return ExitCode.OK;
        }
    }

    /** {@code remote del ID}. */
    @Command(name = "del", description = "Unregister a remote endpoint.")
    static final class DeleteRemote extends CliCommand {
        @Parameters(paramLabel = "ID", description = "Remote endpoint id.")
        String id;

        @Override
        ExitCode execute() {
            dataplane().unregisterRemote(id);
            printer().print(Map.of("unregistered", id), out -> out.println("unregistered remote " + id));
            return ExitCode.OK;
        }
    }
}
