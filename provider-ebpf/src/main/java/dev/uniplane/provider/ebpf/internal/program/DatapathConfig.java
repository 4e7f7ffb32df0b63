package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_CONFIG;

import java.time.Duration;
import java.util.Objects;

import dev.uniplane.api.FlowTimeouts;

/**
 * Value of {@code up_config} ({@code struct up_config}, 40 bytes): connection-tracking idle timeouts and the uplink.
 *
 * @param timeouts      idle timeouts per protocol/state
 * @param uplinkIfindex the uplink link (informational for the program; gateway hops carry their own ifindex)
 * @param flags         reserved, 0
 */
public record DatapathConfig(FlowTimeouts timeouts, int uplinkIfindex, int flags) {
    public static final int SIZE = (int) UP_CONFIG.byteSize();

    public DatapathConfig {
        Objects.requireNonNull(timeouts, "timeouts");
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Wire.u64(b, Wire.offset(UP_CONFIG, "ct_tcp_established_ns"), timeouts.tcpEstablished().toNanos());
        Wire.u64(b, Wire.offset(UP_CONFIG, "ct_tcp_other_ns"), timeouts.tcpOther().toNanos());
        Wire.u64(b, Wire.offset(UP_CONFIG, "ct_udp_ns"), timeouts.udp().toNanos());
        Wire.u64(b, Wire.offset(UP_CONFIG, "ct_icmp_ns"), timeouts.icmp().toNanos());
        Wire.u32(b, Wire.offset(UP_CONFIG, "uplink_ifindex"), uplinkIfindex);
        Wire.u32(b, Wire.offset(UP_CONFIG, "flags"), flags);
        return b;
    }

    public static DatapathConfig decode(byte[] b) {
        Wire.check(b, UP_CONFIG);
        return new DatapathConfig(new FlowTimeouts(
                Duration.ofNanos(Wire.u64(b, Wire.offset(UP_CONFIG, "ct_tcp_established_ns"))),
                Duration.ofNanos(Wire.u64(b, Wire.offset(UP_CONFIG, "ct_tcp_other_ns"))),
                Duration.ofNanos(Wire.u64(b, Wire.offset(UP_CONFIG, "ct_udp_ns"))),
                Duration.ofNanos(Wire.u64(b, Wire.offset(UP_CONFIG, "ct_icmp_ns")))),
                Wire.u32(b, Wire.offset(UP_CONFIG, "uplink_ifindex")), Wire.u32(b, Wire.offset(UP_CONFIG, "flags")));
    }
}
