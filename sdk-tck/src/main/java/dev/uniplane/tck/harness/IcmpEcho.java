package dev.uniplane.tck.harness;

import dev.uniplane.api.IpAddress;
import dev.uniplane.api.IpFamily;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;

/**
 * ICMP/ICMPv6 echo over a {@link RawSocket}. Runs in the calling thread's namespace: call it inside
 * {@link dev.uniplane.linux.NetNs#run}. The kernel computes the ICMPv6 checksum; ours covers ICMPv4.
 */
final class IcmpEcho {
    static final int PAYLOAD = 32;
    private static final int IPPROTO_ICMP = 1;
    private static final int IPPROTO_ICMPV6 = 58;
    /** Leave the TTL / hop limit at the kernel's default. */
    static final int DEFAULT_TTL = 0;

    private IcmpEcho() {
    }

    /** Sends one echo request and waits for the matching reply; false on timeout. */
    static boolean ping(IpAddress destination, int sequence, Duration timeout) {
        return ping(destination, sequence, timeout, DEFAULT_TTL);
    }

    /** Like {@link #ping(IpAddress, int, Duration)} with the request's TTL (hop limit) set to {@code ttl} (1-255). */
    static boolean ping(IpAddress destination, int sequence, Duration timeout, int ttl) {
        boolean v4 = destination.family() == IpFamily.IPV4;
        int identifier = (int) (ProcessHandle.current().pid() & 0xffff);
        try (RawSocket socket = RawSocket.open(destination.family(), v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6)) {
            if (ttl != DEFAULT_TTL) {
                socket.hopLimit(ttl);
            }
            try {
                socket.send(request(v4, identifier, sequence), destination);
            } catch (IllegalStateException unreachable) {
                return false; // e.g. no route in the workload: the request never left
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                Optional<RawSocket.Received> received = socket.receive(Duration.ofNanos(Math.max(left, 1_000_000)));
                if (received.isEmpty()) {
                    return false;
                }
                if (isReply(received.get(), v4, identifier, sequence)) {
                    return true;
                }
            }
        }
    }

    private static byte[] request(boolean v4, int identifier, int sequence) {
        ByteBuffer packet = ByteBuffer.allocate(8 + PAYLOAD);
        packet.put(0, (byte) (v4 ? 8 : 128));
        packet.putShort(4, (short) identifier);
        packet.putShort(6, (short) sequence);
        for (int i = 0; i < PAYLOAD; i++) {
            packet.put(8 + i, (byte) i);
        }
        if (v4) {
            packet.putShort(2, checksum(packet.array()));
        }
        return packet.array();
    }

    // IPv4 raw sockets deliver the IP header; ICMPv6 raw sockets deliver only the ICMPv6 message.
    private static boolean isReply(RawSocket.Received received, boolean v4, int identifier, int sequence) {
        ByteBuffer data = ByteBuffer.wrap(received.data());
        int off = received.payload();
        if (data.limit() < off + 8) {
            return false;
        }
        int type = data.get(off) & 0xff;
        int id = data.getShort(off + 4) & 0xffff;
        int seq = data.getShort(off + 6) & 0xffff;
        return type == (v4 ? 0 : 129) && id == identifier && seq == sequence;
    }

    private static short checksum(byte[] packet) {
        long sum = 0;
        for (int i = 0; i + 1 < packet.length; i += 2) {
            sum += ((packet[i] & 0xff) << 8) | (packet[i + 1] & 0xff);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (short) ~sum;
    }
}
