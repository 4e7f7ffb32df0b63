package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import java.util.List;

/** A group bucket: for select groups {@code weight} steers the share of flows; watch port/group are ANY unless used. */
public record Bucket(int weight, long watchPort, long watchGroup, List<Action> actions) {
    public Bucket {
        actions = List.copyOf(actions);
    }

    /** A select-group bucket of the given weight. */
    public static Bucket weighted(int weight, Action... actions) {
        return new Bucket(weight, Action.PORT_ANY, Action.PORT_ANY, List.of(actions));
    }
}
