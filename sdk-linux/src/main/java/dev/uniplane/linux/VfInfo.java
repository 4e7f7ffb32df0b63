package dev.uniplane.linux;

import dev.uniplane.api.MacAddress;

/**
 * One VF's configuration as reported by the PF (an IFLA_VF_INFO nest); absent values are {@code null}.
 *
 * @param vf        VF number (the {@code vf} field of the attributes, not the list position)
 * @param mac       administrative MAC
 * @param vlan      VLAN id (0 = none)
 * @param qos       VLAN QoS
 * @param vlanProto VLAN protocol (0x8100 / 0x88a8), from IFLA_VF_VLAN_LIST when present
 * @param minRate   min TX rate in Mbit/s
 * @param maxRate   max TX rate in Mbit/s
 * @param spoofChk  spoof check, {@code null} when unreported (0xffffffff)
 * @param trust     trusted mode, {@code null} when unreported
 * @param linkState link state
 * @param stats     IFLA_VF_STATS, or {@code null} when not reported
 */
public record VfInfo(int vf, MacAddress mac, Integer vlan, Integer qos, Integer vlanProto, Integer minRate,
                     Integer maxRate, Boolean spoofChk, Boolean trust, VfLinkState linkState, VfStats stats) {
}
