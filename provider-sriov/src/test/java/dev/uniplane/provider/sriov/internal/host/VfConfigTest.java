package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.MacAddress;
import dev.uniplane.linux.VfInfo;
import dev.uniplane.linux.VfLinkState;
import dev.uniplane.linux.VfSetting;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VfConfigTest {
    private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:05");
    private static final VfConfig ALL = new VfConfig(MAC, 200, 5, null, 0, 50, false, true, VfLinkState.ENABLE);

    @Test
    void oneSettingPerMessageInSriovCnisOrder() {
        assertThat(ALL.settings(3)).containsExactly(
                new VfSetting.Vlan(3, 200, 5, 0x8100),
                new VfSetting.Mac(3, MAC),
                new VfSetting.Rate(3, 0, 50),
                new VfSetting.SpoofCheck(3, false),
                new VfSetting.Trust(3, true),
                new VfSetting.LinkState(3, VfLinkState.ENABLE));
        assertThat(VfConfig.NONE.settings(3)).isEmpty();
    }

    @Test
    void resetPutsBackTheOriginalRecord() {
        VfInfo original = new VfInfo(3, MacAddress.parse("02:00:00:00:00:99"), 7, 1, 0x88a8, 10, 100, true, false,
                VfLinkState.DISABLE, null);

        assertThat(ALL.settings(3).stream().map(s -> VfConfig.reset(s, original)).toList()).containsExactly(
                new VfSetting.Vlan(3, 7, 1, 0x88a8),
                new VfSetting.Mac(3, MacAddress.parse("02:00:00:00:00:99")),
                new VfSetting.Rate(3, 10, 100),
                new VfSetting.SpoofCheck(3, true),
                new VfSetting.Trust(3, false),
                new VfSetting.LinkState(3, VfLinkState.DISABLE));
    }

    @Test
    void resetWithoutARecordUsesTheDefaultsOfANewVf() {
        assertThat(ALL.settings(0).stream().map(s -> VfConfig.reset(s, null)).toList()).containsExactly(
                new VfSetting.Vlan(0, 0, 0, 0x8100),
                new VfSetting.Mac(0, new MacAddress(0)),
                new VfSetting.Rate(0, 0, 0),
                new VfSetting.SpoofCheck(0, true),
                new VfSetting.Trust(0, false),
                new VfSetting.LinkState(0, VfLinkState.AUTO));
    }

    @Test
    void refusesWhatSriovCniRefuses() {
        assertThatThrownBy(() -> new VfConfig(null, 4095, null, null, null, null, null, null, null))
                .hasMessage("vlan=4095: must be 0..4094");
        assertThatThrownBy(() -> new VfConfig(null, 10, 8, null, null, null, null, null, null)).hasMessage("qos=8: must be 0..7");
        assertThatThrownBy(() -> new VfConfig(null, null, 3, null, null, null, null, null, null)).hasMessage("qos=3: needs a vlan");
        assertThatThrownBy(() -> new VfConfig(null, 10, 0, 0x9100, null, null, null, null, null))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("vlanProto=\"0x9100\"");
        assertThatThrownBy(() -> new VfConfig(null, null, null, null, 100, 50, null, null, null))
                .hasMessageContaining("maxTxRateMbps=50");
        assertThatThrownBy(() -> new VfConfig(MacAddress.parse("01:00:5e:00:00:01"), null, null, null, null, null, null, null, null))
                .hasMessageContaining("unicast");
    }

    @Test
    void describesSettingsForErrorMessages() {
        assertThat(ALL.settings(1).stream().map(VfConfig::describe).toList()).containsExactly(
                "vlan 200 qos 5 proto 802.1Q", "mac 02:00:00:00:00:05", "min_tx_rate 0 max_tx_rate 50 (Mbit/s)",
                "spoofchk off", "trust on", "state enable");
    }
}
