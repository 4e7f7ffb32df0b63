package dev.uniplane.cli;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.Endpoint;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.api.MacAddress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uniplane attach ID --netns PATH --address ADDR ...}. */
@Command(name = "attach", description = "Attach a workload's network namespace as an endpoint.")
final class AttachCommand extends CliCommand {
    @Parameters(paramLabel = "ID", description = "Endpoint id.")
    String id;

    @Option(names = "--netns", required = true, paramLabel = "PATH", description = "The workload's namespace (/run/netns/NAME, /proc/PID/ns/net).")
    String netns;

    @Option(names = "--interface", defaultValue = "eth0", paramLabel = "NAME", description = "Interface to create in it (default: ${DEFAULT-VALUE}).")
    String interfaceName;

    @Option(names = "--address", required = true, split = ",", paramLabel = "ADDR", description = "Its addresses (one per family).")
    List<String> addresses;

    @Option(names = "--mac", paramLabel = "MAC", description = "The MAC to give it (default: the provider chooses).")
    String mac;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label (repeatable).")
    Map<String, String> labels = new TreeMap<>();

    @Option(names = "--kind", split = ",", paramLabel = "KIND", defaultValue = "VETH", description = "Accepted attachment kinds, best first (default: ${DEFAULT-VALUE}).")
    List<AttachKind> kinds;

    @Override
    ExitCode execute() {
        AttachSpec attach = new AttachSpec(dev.uniplane.api.EndpointId.of(id), netns, interfaceName,
                addresses.stream().map(IpAddress::parse).toList(), mac == null ? null : MacAddress.parse(mac), Labels.of(labels), kinds);
        Endpoint endpoint = dataplane().attach(attach);
        printer().print(endpoint, out -> out.println("attached " + endpoint.id() + " (" + endpoint.kind() + ", host interface "
                + endpoint.hostInterface() + ")"));
        return ExitCode.OK;
    }
}
