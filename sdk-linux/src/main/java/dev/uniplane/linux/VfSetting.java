package dev.uniplane.linux;

import dev.uniplane.api.MacAddress;

/**
 * One VF setting applied through the PF (one IFLA_VF_* attribute per RTM_SETLINK, so every setting gets its own error).
 */
public sealed interface VfSetting {
    /** The VF number on its PF. */
    int vf();

    /**
     * Administrative MAC (IFLA_VF_MAC).
     *
     * @param vf  VF number
     * @param mac new MAC (6 bytes)
     */
    record Mac(int vf, MacAddress mac) implements VfSetting {
    }

    /**
     * VLAN with QoS and protocol (IFLA_VF_VLAN_LIST / IFLA_VF_VLAN_INFO); vlan 0 clears it.
     *
     * @param vf    VF number
     * @param vlan  0..4094
     * @param qos   0..7
     * @param proto 0x8100 (802.1Q) or 0x88a8 (802.1ad)
     */
    record Vlan(int vf, int vlan, int qos, int proto) implements VfSetting {
        public static final int PROTO_8021Q = 0x8100;
        public static final int PROTO_8021AD = 0x88a8;

        public Vlan {
            if (vlan < 0 || vlan > 4094 || qos < 0 || qos > 7) {
                throw new IllegalArgumentException("vlan 0..4094 and qos 0..7 required: " + vlan + "/" + qos);
            }
        }
    }

    /**
     * Min/max TX rate in Mbit/s (IFLA_VF_RATE); 0 = unlimited.
     *
     * @param vf      VF number
     * @param minMbps minimum rate
     * @param maxMbps maximum rate
     */
    record Rate(int vf, int minMbps, int maxMbps) implements VfSetting {
    }

    /**
     * MAC/VLAN anti-spoof check (IFLA_VF_SPOOFCHK).
     *
     * @param vf      VF number
     * @param enabled on/off
     */
    record SpoofCheck(int vf, boolean enabled) implements VfSetting {
    }

    /**
     * Trusted mode (IFLA_VF_TRUST).
     *
     * @param vf      VF number
     * @param trusted on/off
     */
    record Trust(int vf, boolean trusted) implements VfSetting {
    }

    /**
     * Link state (IFLA_VF_LINK_STATE).
     *
     * @param vf    VF number
     * @param state auto/enable/disable
     */
    record LinkState(int vf, VfLinkState state) implements VfSetting {
    }
}
