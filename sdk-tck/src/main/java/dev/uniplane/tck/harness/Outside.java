package dev.uniplane.tck.harness;

import dev.uniplane.api.IpAddress;
import dev.uniplane.linux.NetNs;
import java.util.List;

/**
 * The network beyond the uplink: one namespace acting as router and as the outside hosts (addresses on its loopback).
 *
 * @param netns     the router namespace
 * @param gateways  its addresses on the uplink link (the gateways routes point at), IPv4 first
 * @param hosts     outside host addresses reachable through it
 */
public record Outside(NetNs netns, List<IpAddress> gateways, List<IpAddress> hosts) implements Host {
    @Override
    public String name() {
        return "outside";
    }
}
