package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.VfInfo;
import dev.uniplane.linux.VfLinkState;
import dev.uniplane.linux.VfSetting;

import java.util.ArrayList;
import java.util.List;

/**
 * The VF settings applied through the PF; {@code null} leaves a setting as the PF has it (and detach does not touch
 * it). Validated like sriov-cni: vlan 0..4094, qos 0..7 only with a vlan, protocol 802.1Q/802.1ad, rates not negative
 * and max not below min.
 *
 * @param adminMac      administrative MAC (IFLA_VF_MAC)
 * @param vlan          VLAN id, 0 = none
 * @param qos           VLAN priority
 * @param vlanProto     0x8100 or 0x88a8; {@code null} = 0x8100 when a vlan is set
 * @param minTxRateMbps minimum TX rate in Mbit/s (set together with the max in one IFLA_VF_RATE)
 * @param maxTxRateMbps maximum TX rate in Mbit/s, 0 = unlimited
 * @param spoofCheck    MAC/VLAN anti-spoofing
 * @param trust         trusted mode
 * @param linkState     auto/enable/disable
 */
public record VfConfig(MacAddress adminMac, Integer vlan, Integer qos, Integer vlanProto, Integer minTxRateMbps,
                       Integer maxTxRateMbps, Boolean spoofCheck, Boolean trust, VfLinkState linkState) {
    /** Changes nothing through the PF. */
    public static final VfConfig NONE = new VfConfig(null, null, null, null, null, null, null, null, null);

    public VfConfig {
        if (vlan != null && (vlan < 0 || vlan > 4094)) {
            throw new InvalidSpecException("vlan", vlan, "must be 0..4094");
        }
        if (qos != null && (qos < 0 || qos > 7)) {
            throw new InvalidSpecException("qos", qos, "must be 0..7");
        }
        if (qos != null && qos != 0 && (vlan == null || vlan == 0)) {
            throw new InvalidSpecException("qos", qos, "needs a vlan");
        }
        if (vlanProto != null && vlanProto != VfSetting.Vlan.PROTO_8021Q && vlanProto != VfSetting.Vlan.PROTO_8021AD) {
            throw new InvalidSpecException("vlanProto", "0x" + Integer.toHexString(vlanProto), "must be 0x8100 (802.1Q) or 0x88a8 (802.1ad)");
        }
        if (vlanProto != null && vlan == null) {
            throw new InvalidSpecException("vlanProto", "0x" + Integer.toHexString(vlanProto), "needs a vlan");
        }
        if (minTxRateMbps != null && minTxRateMbps < 0) {
            throw new InvalidSpecException("minTxRateMbps", minTxRateMbps, "must not be negative");
        }
        if (maxTxRateMbps != null && maxTxRateMbps < 0) {
            throw new InvalidSpecException("maxTxRateMbps", maxTxRateMbps, "must not be negative");
        }
        if (minTxRateMbps != null && maxTxRateMbps != null && maxTxRateMbps != 0 && maxTxRateMbps < minTxRateMbps) {
            throw new InvalidSpecException("maxTxRateMbps", maxTxRateMbps, "must be 0 (unlimited) or at least minTxRateMbps " + minTxRateMbps);
        }
        if (adminMac != null && adminMac.isMulticast()) {
            throw new InvalidSpecException("adminMac", adminMac, "must be a unicast MAC");
        }
    }

    /** The settings for VF {@code vf}, one per message, in sriov-cni's order: vlan, MAC, rate, spoofchk, trust, link state. */
    public List<VfSetting> settings(int vf) {
        List<VfSetting> out = new ArrayList<>();
        if (vlan != null) {
            out.add(new VfSetting.Vlan(vf, vlan, qos == null ? 0 : qos, vlanProto == null ? VfSetting.Vlan.PROTO_8021Q : vlanProto));
        }
        if (adminMac != null) {
            out.add(new VfSetting.Mac(vf, adminMac));
        }
        if (minTxRateMbps != null || maxTxRateMbps != null) {
            out.add(new VfSetting.Rate(vf, minTxRateMbps == null ? 0 : minTxRateMbps, maxTxRateMbps == null ? 0 : maxTxRateMbps));
        }
        if (spoofCheck != null) {
            out.add(new VfSetting.SpoofCheck(vf, spoofCheck));
        }
        if (trust != null) {
            out.add(new VfSetting.Trust(vf, trust));
        }
        if (linkState != null) {
            out.add(new VfSetting.LinkState(vf, linkState));
        }
        return out;
    }

    /**
     * The setting that puts back what {@code applied} changed: the value in {@code original}, or the kernel's default
     * for a new VF (no vlan, zero MAC, unlimited rate, spoofchk on, trust off, link auto) when the PF did not report it.
     */
    public static VfSetting reset(VfSetting applied, VfInfo original) {
        int vf = applied.vf();
        VfInfo o = original == null ? new VfInfo(vf, null, null, null, null, null, null, null, null, null, null) : original;
        return switch (applied) {
            case VfSetting.Vlan v -> new VfSetting.Vlan(vf, orZero(o.vlan()), orZero(o.qos()),
                    o.vlanProto() == null || o.vlanProto() == 0 ? VfSetting.Vlan.PROTO_8021Q : o.vlanProto());
            case VfSetting.Mac m -> new VfSetting.Mac(vf, o.mac() == null ? new MacAddress(0) : o.mac());
            case VfSetting.Rate r -> new VfSetting.Rate(vf, orZero(o.minRate()), orZero(o.maxRate()));
            case VfSetting.SpoofCheck s -> new VfSetting.SpoofCheck(vf, o.spoofChk() == null || o.spoofChk());
            case VfSetting.Trust t -> new VfSetting.Trust(vf, o.trust() != null && o.trust());
            case VfSetting.LinkState l -> new VfSetting.LinkState(vf, o.linkState() == null ? VfLinkState.AUTO : o.linkState());
        };
    }

    /** A setting as a human reads it, for error messages: {@code trust on}, {@code vlan 100 qos 5 proto 802.1Q}. */
    public static String describe(VfSetting s) {
        return switch (s) {
            case VfSetting.Vlan v -> "vlan " + v.vlan() + " qos " + v.qos() + " proto "
                    + (v.proto() == VfSetting.Vlan.PROTO_8021AD ? "802.1ad" : "802.1Q");
            case VfSetting.Mac m -> "mac " + m.mac();
            case VfSetting.Rate r -> "min_tx_rate " + r.minMbps() + " max_tx_rate " + r.maxMbps() + " (Mbit/s)";
            case VfSetting.SpoofCheck sc -> "spoofchk " + (sc.enabled() ? "on" : "off");
            case VfSetting.Trust t -> "trust " + (t.trusted() ? "on" : "off");
            case VfSetting.LinkState l -> "state " + l.state().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static int orZero(Integer v) {
        return v == null ? 0 : v;
    }
}
