package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.InterfaceAddress;
import dev.uniplane.linux.VfLinkState;
import dev.uniplane.linux.WorkloadInterface;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The network every VF of one dataplane joins, from {@link DataplaneConfig} options (one dataplane plays the part of
 * one sriov-cni network attachment): the VF settings applied through the PF, and how the workload's addresses and
 * default route look on that network.
 *
 * <p>SR-IOV is an L2 attach: the VF sits on the PF's physical segment, so each address gets the segment's prefix length
 * ({@code sriov.ipv4.prefixLength}, default 24; {@code sriov.ipv6.prefixLength}, default 64) and workloads on the
 * segment reach each other directly (ARP/ND, through the NIC's internal switch). The default route goes via
 * {@code sriov.ipv4.gateway} / {@code sriov.ipv6.gateway}; unset, it is the same link-local gateway the veth providers
 * give their workloads (169.254.1.1 on-link, fe80::1), which a router on the segment answers for (as a Calico node
 * does), so a workload's routing looks alike on every provider.
 *
 * @param vf             the VF settings applied through the PF (the admin MAC comes from each attach spec)
 * @param mtu            MTU of the VF netdev in the workload, or {@code null} to keep the VF's
 * @param prefixLength4  prefix length of IPv4 addresses
 * @param prefixLength6  prefix length of IPv6 addresses
 * @param gateway4       IPv4 default gateway
 * @param gateway6       IPv6 default gateway
 */
public record VfNetworkOptions(VfConfig vf, Integer mtu, int prefixLength4, int prefixLength6, IpAddress gateway4,
                               IpAddress gateway6) {
    public static final String VLAN = "sriov.vlan";
    public static final String QOS = "sriov.qos";
    public static final String SPOOF_CHECK = "sriov.spoofchk";
    public static final String TRUST = "sriov.trust";
    public static final String MIN_TX_RATE = "sriov.minTxRate";
    public static final String MAX_TX_RATE = "sriov.maxTxRate";
    public static final String LINK_STATE = "sriov.linkState";
    public static final String MTU = "sriov.mtu";
    public static final String PREFIX_LENGTH_4 = "sriov.ipv4.prefixLength";
    public static final String PREFIX_LENGTH_6 = "sriov.ipv6.prefixLength";
    public static final String GATEWAY_4 = "sriov.ipv4.gateway";
    public static final String GATEWAY_6 = "sriov.ipv6.gateway";
    /** Every option key of this record. */
    public static final Set<String> KEYS = Set.of(VLAN, QOS, SPOOF_CHECK, TRUST, MIN_TX_RATE, MAX_TX_RATE, LINK_STATE, MTU,
            PREFIX_LENGTH_4, PREFIX_LENGTH_6, GATEWAY_4, GATEWAY_6);

    public VfNetworkOptions {
        if (prefixLength4 < 1 || prefixLength4 > 32) {
            throw new InvalidSpecException("options." + PREFIX_LENGTH_4, prefixLength4, "must be 1..32");
        }
        if (prefixLength6 < 1 || prefixLength6 > 128) {
            throw new InvalidSpecException("options." + PREFIX_LENGTH_6, prefixLength6, "must be 1..128");
        }
        if (!gateway4.isV4()) {
            throw new InvalidSpecException("options." + GATEWAY_4, gateway4, "must be an IPv4 address");
        }
        if (gateway6.isV4()) {
            throw new InvalidSpecException("options." + GATEWAY_6, gateway6, "must be an IPv6 address");
        }
    }

    /** Parses the options (unknown keys are the caller's to reject). */
    public static VfNetworkOptions parse(DataplaneConfig config) {
        Integer vlan = optionalInt(config, VLAN);
        VfConfig vf = new VfConfig(null, vlan, optionalInt(config, QOS), null, optionalInt(config, MIN_TX_RATE),
                optionalInt(config, MAX_TX_RATE), optionalBool(config, SPOOF_CHECK), optionalBool(config, TRUST),
                linkState(config));
        return new VfNetworkOptions(vf, optionalInt(config, MTU), config.intOption(PREFIX_LENGTH_4, 24),
                config.intOption(PREFIX_LENGTH_6, 64), address(config, GATEWAY_4, WorkloadInterface.GATEWAY_V4),
                address(config, GATEWAY_6, WorkloadInterface.GATEWAY_V6));
    }

    /** The VF settings for one attach: this network's, with {@code mac} (may be null) as the admin MAC. */
    public VfConfig vfConfig(MacAddress mac) {
        return new VfConfig(mac, vf.vlan(), vf.qos(), vf.vlanProto(), vf.minTxRateMbps(), vf.maxTxRateMbps(),
                vf.spoofCheck(), vf.trust(), vf.linkState());
    }

    /** How the VF netdev looks in the workload for these addresses: each with this network's prefix, a gateway per family. */
    public WorkloadNetdev workload(String netns, String interfaceName, MacAddress mac, List<IpAddress> addresses) {
        List<InterfaceAddress> withPrefix = new ArrayList<>();
        List<IpAddress> gateways = new ArrayList<>();
        for (IpAddress a : addresses) {
            boolean v4 = a.family() == IpFamily.IPV4;
            withPrefix.add(new InterfaceAddress(a, v4 ? prefixLength4 : prefixLength6));
            gateways.add(v4 ? gateway4 : gateway6);
        }
        return new WorkloadNetdev(netns, interfaceName, mac, mtu, withPrefix, gateways);
    }

    private static Integer optionalInt(DataplaneConfig config, String key) {
        return config.option(key).isPresent() ? config.intOption(key, 0) : null;
    }

    private static Boolean optionalBool(DataplaneConfig config, String key) {
        return config.option(key).isPresent() ? config.boolOption(key, false) : null;
    }

    private static VfLinkState linkState(DataplaneConfig config) {
        String v = config.option(LINK_STATE).orElse(null);
        if (v == null) {
            return null;
        }
        try {
            return VfLinkState.valueOf(v.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("options." + LINK_STATE, v, "must be auto, enable or disable");
        }
    }

    private static IpAddress address(DataplaneConfig config, String key, IpAddress defaultValue) {
        String v = config.option(key).orElse(null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return IpAddress.parse(v.strip());
        } catch (RuntimeException e) {
            throw new InvalidSpecException("options." + key, v, "must be an IP address");
        }
    }
}
