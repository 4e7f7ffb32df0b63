package dev.uniplane.cli;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.EndpointId;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uniplane explain --from ENDPOINT --to ADDRESS[:PORT/PROTO]}: which policy and rule decide a flow, and why. */
@Command(name = "explain", description = "Which policy and rule decide a new flow and why, with the backend's counters for them.")
final class ExplainCommand extends CliCommand {
    @Option(names = "--from", required = true, paramLabel = "ENDPOINT", description = "The local endpoint that sends.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "ADDRESS[:PORT/PROTO]",
            description = "Destination: ADDRESS (ping), ADDRESS:PORT (tcp), ADDRESS:PORT/udp, [V6]:PORT/sctp, ADDRESS/icmp.")
    String to;

    @Override
    ExitCode execute() {
        FlowTarget target = FlowTarget.parse(to);
        Dataplane dataplane = dataplane();
        Explanation explanation = new Explainer().explain(dataplane.currentState(), dataplane.stats(), EndpointId.of(from), target);
        printer().print(explanation, out -> print(explanation, out));
        return ExitCode.OK;
    }

    private void print(Explanation e, PrintWriter out) {
        var ansi = ansi();
        String style = e.verdict().equals("ALLOWED") ? "green" : "red";
        out.println("Flow " + e.from() + " -> " + e.to() + ": " + ansi.string("@|bold," + style + " " + e.verdict() + "|@")
                + (e.dropReason() == null ? "" : " (" + e.dropReason() + ")"));
        out.println(e.summary());
        printCheck("Egress", e.egress(), out);
        if (e.route() != null) {
            out.println();
            out.println("Routing: " + e.route().detail());
        }
        printCheck("Ingress", e.ingress(), out);
        if (e.dropCounter() != null) {
            out.println();
            out.println("Drop counter: " + e.dropCounter());
        }
    }

    private static void printCheck(String title, Explanation.Check c, PrintWriter out) {
        if (c == null) {
            return;
        }
        out.println();
        out.println(title + " at " + c.endpoint() + ": " + c.outcome()
                + (c.decidingRule() == null ? "" : " by " + c.decidingRule() + "   [backend counter: " + c.rulePackets() + " packets]"));
        c.reasons().forEach(r -> out.println("  - " + r));
        for (Explanation.RuleMatch r : c.rules()) {
            out.println("  " + (r.decides() ? "=>" : "  ") + " " + r.rule() + " " + r.action() + ": " + (r.matches() ? "matches" : "no match"));
            r.reasons().forEach(reason -> out.println("       " + reason));
        }
    }
}
