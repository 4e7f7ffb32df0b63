package dev.uniplane.tck.harness;

import dev.uniplane.linux.NetNs;

/** Something that sends and receives test traffic: a workload or the outside network, each in its own namespace. */
public interface Host {

    /** Short name for messages. */
    String name();

    /** The host's network namespace (open while the topology lives). */
    NetNs netns();
}
