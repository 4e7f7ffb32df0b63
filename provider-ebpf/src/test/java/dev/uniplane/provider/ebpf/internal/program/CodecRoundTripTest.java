package dev.uniplane.provider.ebpf.internal.program;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.uniplane.api.FlowTimeouts;
import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpPrefix;
import dev.uniplane.api.MacAddress;

/** Encoders and decoders agree, and the bytes are what the C side expects (byte order, padding, canonical keys). */
class CodecRoundTripTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void dropCountersFollowTheDropReasonOrderOfTheHeader() {
        // uniplane_maps.h: UP_DROP_POLICY_DENIED 0 .. UP_DROP_OTHER 5
        assertThat(java.util.Arrays.stream(dev.uniplane.api.DropReason.values()).map(Enum::name)).containsExactly(
                "POLICY_DENIED", "POLICY_DEFAULT_DENY", "NO_ROUTE", "TTL_EXCEEDED", "INVALID", "OTHER");
        long[] words = {1, 2, 3, 4, 10, 11, 12, 13, 14, 15};
        EndpointCounters c = EndpointCounters.fromWords(words);
        assertThat(c.drops(dev.uniplane.api.DropReason.NO_ROUTE)).isEqualTo(12);
        assertThat(c.drops(dev.uniplane.api.DropReason.OTHER)).isEqualTo(15);
    }

    @Test
    void endpointKeyAndRecord() {
        EndpointKey k4 = new EndpointKey(IpAddress.parse("10.1.2.3"));
        assertThat(HEX.formatHex(k4.encode())).isEqualTo("04000000" + "0a010203" + "00".repeat(12));
        assertThat(EndpointKey.decode(k4.encode())).isEqualTo(k4);
        EndpointKey k6 = new EndpointKey(IpAddress.parse("fd00::1"));
        assertThat(EndpointKey.decode(k6.encode())).isEqualTo(k6);
        EndpointRecord r = EndpointRecord.local(7, 42, MacAddress.parse("02:00:00:00:00:07"), MacAddress.parse("ee:ee:ee:ee:ee:ee"), 300);
        assertThat(r.encode()).hasSize(32);
        assertThat(EndpointRecord.decode(r.encode())).isEqualTo(r);
        assertThat(HEX.formatHex(r.encode(), 0, 8)).isEqualTo("070000002a000000");
    }

    @Test
    void lpmKeysArePrefixlenHostOrderThenAddress() {
        assertThat(HEX.formatHex(new LpmKey(IpPrefix.parse("10.0.0.0/8")).encode())).isEqualTo("080000000a000000");
        assertThat(new LpmKey(IpPrefix.parse("2001:db8::/32")).encode()).hasSize(20);
        assertThat(LpmKey.decode(new LpmKey(IpPrefix.parse("2001:db8::/32")).encode()).prefix()).isEqualTo(IpPrefix.parse("2001:db8::/32"));
    }

    @Test
    void policyKeyIsPackedBigEndianAndCanonical() {
        PolicyKey k = PolicyKey.port(3, PolicyKey.EGRESS, 0x01000002, 6, 8080, 12);
        // prefixlen 92 LE | ep 3 BE | dir 1 | identity BE | proto 6 | port 8080 & 0xfff0 BE
        assertThat(HEX.formatHex(k.encode())).isEqualTo("5c000000" + "00000003" + "01" + "01000002" + "06" + "1f90");
        assertThat(PolicyKey.decode(k.encode())).isEqualTo(k);
        assertThat(PolicyKey.identity(3, 0, 77)).isEqualTo(new PolicyKey(72, 3, 0, 77, 6, 80));
        assertThat(k.covers(PolicyKey.lookup(3, 1, 0x01000002, 6, 8090))).isTrue();
        assertThat(k.covers(PolicyKey.lookup(3, 1, 0x01000002, 6, 8096))).isFalse();
        assertThat(PolicyValue.decode(new PolicyValue(Verdict.DENY, 9).encode())).isEqualTo(new PolicyValue(Verdict.DENY, 9));
    }

    @Test
    void nextHopGroupsStateConfigConntrack() {
        NextHopGroup g = new NextHopGroup(List.of(NextHopEntry.gateway(IpAddress.parse("192.0.2.1"), 3, 2),
                NextHopEntry.endpoint(5, 77, MacAddress.parse("02:00:00:00:00:05"), MacAddress.parse("02:00:00:00:01:05"), 1),
                NextHopEntry.gateway(IpAddress.parse("2001:db8::1"), 256, 2)));
        byte[] b = g.encode();
        assertThat(b).hasSize(2568);
        assertThat(NextHopGroup.decode(b)).isEqualTo(g);
        assertThat(g.totalWeight()).isEqualTo(260);

        assertThat(PolicyState.decode(new PolicyState(1, 9).encode())).isEqualTo(new PolicyState(1, 9));
        assertThat(new PolicyState(1, 9).flipped()).isEqualTo(new PolicyState(0, 10));
        DatapathConfig cfg = new DatapathConfig(new FlowTimeouts(Duration.ofHours(1), Duration.ofSeconds(5),
                Duration.ofSeconds(6), Duration.ofSeconds(7)), 2, 0);
        assertThat(DatapathConfig.decode(cfg.encode())).isEqualTo(cfg);

        CtKey ct = CtKey.of(6, IpAddress.parse("10.0.0.2"), 80, IpAddress.parse("10.0.0.1"), 40000);
        assertThat(ct.a()).isEqualTo(IpAddress.parse("10.0.0.1"));
        assertThat(ct).isEqualTo(CtKey.of(6, IpAddress.parse("10.0.0.1"), 40000, IpAddress.parse("10.0.0.2"), 80));
        assertThat(CtKey.decode(ct.encode())).isEqualTo(ct);
        CtEntry e = new CtEntry(3, CtEntry.ESTABLISHED, CtEntry.ORIG_IS_A | CtEntry.SEEN_REPLY, 123456789L);
        assertThat(CtEntry.decode(e.encode())).isEqualTo(e);
    }
}
