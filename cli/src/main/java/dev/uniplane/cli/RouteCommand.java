package dev.uniplane.cli;

import dev.uniplane.api.EndpointId;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.lang3.StringUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code uniplane route list|add|del}. */
@Command(name = "route", description = "List, add and remove routes.",
        subcommands = {RouteCommand.ListRoutes.class, RouteCommand.AddRoute.class, RouteCommand.DeleteRoute.class})
final class RouteCommand extends CliCommand {
    @Override
    ExitCode execute() {
        spec.commandLine().usage(out());
        return ExitCode.USAGE;
    }

    /** {@code route list}. */
    @Command(name = "list", description = "List the explicit routes (endpoint host routes are implicit).")
    static final class ListRoutes extends CliCommand {
        @Override
        ExitCode execute() {
            List<Route> routes = dataplane().routes();
            printer().print(routes, out -> {
                Table table = new Table("PREFIX", "NEXT-HOPS");
                routes.forEach(r -> table.row(r.prefix(), Text.nextHops(r)));
                table.print(out);
            });
            return ExitCode.OK;
        }
    }

    /** {@code route add PREFIX --via GW[@WEIGHT] | --endpoint ID[@WEIGHT] | --drop}. */
    @Command(name = "add", description = "Add a route (several --via/--endpoint make an ECMP group).")
    static final class AddRoute extends CliCommand {
        @Parameters(paramLabel = "PREFIX", description = "Destination prefix, e.g. 10.9.0.0/16.")
        String prefix;

        @Option(names = "--via", paramLabel = "GATEWAY[@WEIGHT]", description = "A gateway next hop (repeatable).")
        List<String> gateways = new ArrayList<>();

        @Option(names = "--endpoint", paramLabel = "ID[@WEIGHT]", description = "A local endpoint next hop (repeatable).")
        List<String> endpoints = new ArrayList<>();

        @Option(names = "--drop", description = "A blackhole route.")
        boolean drop;

        @Option(names = "--replace", description = "Replace the route for the prefix if there is one.")
        boolean replace;

        @Override
        ExitCode execute() {
            List<NextHop> hops = new ArrayList<>();
            gateways.forEach(g -> hops.add(new NextHop.Gateway(IpAddress.parse(StringUtils.substringBefore(g, "@")), weight(g))));
            endpoints.forEach(e -> hops.add(new NextHop.ToEndpoint(EndpointId.of(StringUtils.substringBefore(e, "@")), weight(e))));
            if (drop) {
                hops.add(NextHop.drop());
            }
            Route route = new Route(IpPrefix.parseStrict(prefix), hops);
            if (replace) {
                dataplane().replaceRoute(route);
            } else {
                dataplane().addRoute(route);
            }
            printer().print(route, out -> out.println("route " + route.prefix() + " " + Text.nextHops(route)));
            return ExitCode.OK;
        }

        private static int weight(String hop) {
            String weight = StringUtils.substringAfter(hop, "@");
            if (weight.isEmpty()) {
                return 1;
            }
            if (!org.apache.commons.lang3.math.NumberUtils.isDigits(weight) || weight.length() > 4) {
                throw new InvalidSpecException("weight", weight, "must be a number from 1 to " + NextHop.MAX_WEIGHT);
            }
            return Integer.parseInt(weight);
        }
    }

    /** {@code route del PREFIX}. */
    @Command(name = "del", description = "Remove the route for a prefix.")
    static final class DeleteRoute extends CliCommand {
        @Parameters(paramLabel = "PREFIX", description = "The route's prefix.")
        String prefix;

        @Override
        ExitCode execute() {
            IpPrefix removed = IpPrefix.parseStrict(prefix);
            dataplane().removeRoute(removed);
            printer().print(Map.of("removed", removed.toString()), out -> out.println("removed route " + removed));
            return ExitCode.OK;
        }
    }
}
