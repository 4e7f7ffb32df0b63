package dev.uniplane.cli;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.Labels;
import dev.uniplane.api.LabelSelector;
import dev.uniplane.api.NextHop;
import dev.uniplane.api.Route;
import java.util.stream.Collectors;

/** Short one-line texts of model values for tables and plans. */
final class Text {
    private Text() {
    }

    static String labels(Labels labels) {
        return labels.values().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",", "{", "}"));
    }

    static String selector(LabelSelector selector) {
        if (selector.isEmpty()) {
            return "{} (all)";
        }
        String labels = selector.matchLabels().values().isEmpty() ? "" : labels(selector.matchLabels());
        String expressions = selector.matchExpressions().stream()
                .map(r -> r.key() + " " + r.operator() + (r.values().isEmpty() ? "" : " " + r.values()))
                .collect(Collectors.joining(", "));
        return String.join(" ", labels, expressions).strip();
    }

    static String addresses(java.util.List<IpAddress> addresses) {
        return addresses.stream().map(IpAddress::toString).collect(Collectors.joining(","));
    }

    static String nextHop(NextHop hop) {
        String weight = hop.weight() == 1 ? "" : " weight " + hop.weight();
        return switch (hop) {
            case NextHop.Gateway g -> "via " + g.address() + weight;
            case NextHop.ToEndpoint e -> "endpoint " + e.endpoint() + weight;
            case NextHop.Drop d -> "drop";
        };
    }

    static String nextHops(Route route) {
        return route.nextHops().stream().map(Text::nextHop).collect(Collectors.joining(", "));
    }

    static String endpoint(AttachSpec spec) {
        return spec.id() + " " + addresses(spec.addresses()) + " " + labels(spec.labels());
    }
}
