package dev.uniplane.provider.ovsdpdk.internal.host;

import dev.uniplane.api.AttachKind;
import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.MacAddress;

/** What attach made for one endpoint: its index (the requested ofport), the port, the veth's host end and the MAC. */
public record Wiring(int index, long ofport, String hostName, MacAddress mac, AttachSpec spec, AttachKind kind) {
}
