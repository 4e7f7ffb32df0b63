package dev.uniplane.linux;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;
import dev.uniplane.spi.NamespaceErrors;

import java.nio.file.Path;
import java.util.Set;

/**
 * The veth every provider gives a workload: the host end in the node namespace (left down, for the provider to wire
 * and bring up) and the workload end {@code spec.interfaceName()} in {@code spec.netns()}, configured by
 * {@link WorkloadInterface} and with the requested offloads turned off ({@link Ethtool}).
 *
 * <p>Before anything is created it refuses, naming the field and value, a {@code netns} that is not a network
 * namespace, an {@code interfaceName} that already exists there, and a namespace that already has a default route (one
 * workload per namespace: the dataplane owns its default route). A failure after the veth exists deletes it again,
 * which takes its addresses, routes and neighbour entries with it.
 */
public final class VethWorkload {
    private VethWorkload() {
    }

    /**
     * Creates the veth with the workload's gateway neighbour entries pinned to {@code gatewayMac}.
     *
     * @param nodeLinks   a netlink socket of the node namespace, where {@code hostName} is created
     * @param mac         the workload end's MAC
     * @param offloadsOff what to turn off on the workload end
     * @return the host end
     */
    public static LinkInfo create(RtNetlink nodeLinks, String hostName, AttachSpec spec, MacAddress mac,
                                  MacAddress gatewayMac, Set<Ethtool.Offload> offloadsOff) {
        return create(nodeLinks, hostName, spec, mac, gatewayMac, offloadsOff, false);
    }

    /** Like {@link #create}, with the host end's own MAC as the gateway's (the host end answers for the gateway). */
    public static LinkInfo createWithHostEndAsGateway(RtNetlink nodeLinks, String hostName, AttachSpec spec,
                                                      MacAddress mac, Set<Ethtool.Offload> offloadsOff) {
        return create(nodeLinks, hostName, spec, mac, null, offloadsOff, true);
    }

    private static LinkInfo create(RtNetlink nodeLinks, String hostName, AttachSpec spec, MacAddress mac,
                                   MacAddress gatewayMac, Set<Ethtool.Offload> offloadsOff, boolean hostEndIsGateway) {
        try (NetNs workload = openWorkloadNamespace(spec)) {
            refuseConflicts(workload, spec);
            nodeLinks.createVethPair(hostName, spec.interfaceName(), workload);
            try {
                LinkInfo host = nodeLinks.link(hostName);
                WorkloadInterface.configure(workload, spec.interfaceName(), mac, spec.addresses(),
                        hostEndIsGateway ? host.mac() : gatewayMac);
                Ethtool.turnOff(workload, spec.interfaceName(), offloadsOff);
                return host;
            } catch (RuntimeException e) {
                nodeLinks.deleteLinkIfPresent(hostName);
                throw e;
            }
        }
    }

    private static NetNs openWorkloadNamespace(AttachSpec spec) {
        NetNs workload;
        try {
            workload = NetNs.open(Path.of(spec.netns()));
        } catch (LinuxException e) {
            throw NamespaceErrors.workload(spec, e.errnoName());
        }
        try {
            if (!workload.isNetworkNamespace()) {
                throw new InvalidSpecException("netns", spec.netns(), "is not a network namespace");
            }
            return workload;
        } catch (RuntimeException e) {
            workload.close();
            throw e;
        }
    }

    private static void refuseConflicts(NetNs workload, AttachSpec spec) {
        try (RtNetlink links = RtNetlink.open(workload)) {
            if (links.findLink(spec.interfaceName()).isPresent()) {
                throw new ConflictException("interfaceName=\"" + spec.interfaceName()
                        + "\": an interface of that name already exists in netns " + spec.netns());
            }
            for (IpFamily family : spec.addresses().stream().map(IpAddress::family).distinct().sorted().toList()) {
                int af = family == IpFamily.IPV4 ? RtNetlink.AF_INET : RtNetlink.AF_INET6;
                IpAddress gateway = family == IpFamily.IPV4 ? WorkloadInterface.GATEWAY_V4 : WorkloadInterface.GATEWAY_V6;
                for (RouteInfo route : links.routes(af, 0)) {
                    if (route.table() != RouteSpec.TABLE_MAIN) {
                        continue;
                    }
                    boolean gatewayRoute = gateway.equals(route.gateway()) || route.destination().equals(IpPrefix.host(gateway));
                    if (gatewayRoute) {
                        throw new ConflictException("netns=\"" + spec.netns() + "\": already holds another workload's gateway route ("
                                + describe(links, route) + "); attach one workload per network namespace");
                    }
                    if (route.destination().length() == 0) {
                        throw new ConflictException("netns=\"" + spec.netns() + "\": already has a default route ("
                                + describe(links, route) + "); the dataplane gives a workload namespace its default route");
                    }
                }
            }
        }
    }

    private static String describe(RtNetlink links, RouteInfo route) {
        StringBuilder text = new StringBuilder(route.destination().toString());
        if (route.gateway() != null) {
            text.append(" via ").append(route.gateway());
        }
        if (route.ifIndex() != 0) {
            String device = links.links().stream().filter(l -> l.index() == route.ifIndex()).map(LinkInfo::name)
                    .findFirst().orElse("#" + route.ifIndex());
            text.append(" dev ").append(device);
        }
        return text.toString();
    }
}
