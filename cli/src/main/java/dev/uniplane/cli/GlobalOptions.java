package dev.uniplane.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.lang3.ObjectUtils;
import org.apache.commons.lang3.StringUtils;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Option;

/**
 * The options every command takes, before or after its name ({@code uniplane -o json status} and
 * {@code uniplane status -o json}). A mixin in each command rather than picocli's inherited options, which would
 * clash with the samples' {@code tck --provider}; the value nearest the command wins.
 */
final class GlobalOptions {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default), json or yaml.")
    OutputFormat output;

    @Option(names = {"-d", "--dataplane"}, split = ",", paramLabel = "NAME",
            description = "Dataplane(s) to use; commands act on the first (default: $UNIPLANE_DATAPLANE, else 'default').")
    List<String> dataplanes;

    @Option(names = "--provider", paramLabel = "NAME",
            description = "Provider to open dataplanes with (default: $UNIPLANE_PROVIDER, else the best available).")
    String provider;

    @Option(names = "--host-netns", paramLabel = "PATH", description = "The dataplane's node namespace.")
    String hostNetns;

    @Option(names = "--uplink", paramLabel = "IFACE", description = "The dataplane's uplink interface.")
    String uplink;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A provider option (repeatable).")
    Map<String, String> options;

    @Option(names = "--agent", paramLabel = "SOCKET",
            description = "Talk to the agent on this socket instead of opening dataplanes in this process.")
    Path agent;

    @Option(names = "--color", paramLabel = "WHEN", description = "auto (default: on a terminal), always or never.")
    String color;

    /** The options of several commands, nearest first: the first value set wins. */
    static GlobalOptions merge(List<GlobalOptions> nearestFirst) {
        GlobalOptions merged = new GlobalOptions();
        for (GlobalOptions o : nearestFirst) {
            merged.output = ObjectUtils.firstNonNull(merged.output, o.output);
            merged.dataplanes = ObjectUtils.firstNonNull(merged.dataplanes, o.dataplanes);
            merged.provider = ObjectUtils.firstNonNull(merged.provider, o.provider);
            merged.hostNetns = ObjectUtils.firstNonNull(merged.hostNetns, o.hostNetns);
            merged.uplink = ObjectUtils.firstNonNull(merged.uplink, o.uplink);
            merged.options = ObjectUtils.firstNonNull(merged.options, o.options);
            merged.agent = ObjectUtils.firstNonNull(merged.agent, o.agent);
            merged.color = ObjectUtils.firstNonNull(merged.color, o.color);
        }
        return merged;
    }

    OutputFormat format() {
        return java.util.Objects.requireNonNullElse(output, OutputFormat.TABLE);
    }

    Ansi ansi() {
        return switch (java.util.Objects.requireNonNullElse(color, "auto")) {
            case "always" -> Ansi.ON;
            case "never" -> Ansi.OFF;
            default -> Ansi.AUTO;
        };
    }

    /** Whether progress and screen refreshes may be drawn: a terminal (or --color always) and table output. */
    boolean interactive() {
        return format() == OutputFormat.TABLE && ansi().enabled();
    }

    AccessSettings settings() {
        List<String> names = dataplanes != null && !dataplanes.isEmpty() ? dataplanes
                : List.of(StringUtils.defaultIfBlank(System.getenv("UNIPLANE_DATAPLANE"), "default"));
        return new AccessSettings(agent, names, provider, hostNetns, uplink, options == null ? new TreeMap<>() : options);
    }
}
