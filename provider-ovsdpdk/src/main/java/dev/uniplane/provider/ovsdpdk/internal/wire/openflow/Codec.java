package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BarrierReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BarrierRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BundleAdd;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BundleControl;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.BundleControlType;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.EchoReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.EchoRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FeaturesReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FeaturesRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowModCommand;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowStatsReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.FlowStatsRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupMod;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupModCommand;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.GroupType;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.Hello;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.PortStatsReply;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.PortStatsRequest;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.PortStatus;
import dev.uniplane.provider.ovsdpdk.internal.wire.openflow.OfMessage.Unknown;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes and decodes OpenFlow 1.3 messages (wire version 0x04, big-endian, 8-byte header: version, type, length,
 * xid). Bundles use the ONF extension (EXT-230: experimenter 0x4F4E4600, types 2300/2301), which is how OVS accepts
 * OpenFlow 1.4 bundle semantics on a 1.3 connection; a plain type-33 BUNDLE_CONTROL there gets BAD_REQUEST/BAD_TYPE.
 */
public final class Codec {
    /** OpenFlow 1.3 on the wire. */
    public static final int VERSION = 0x04;
    static final int HEADER = 8;
    private static final int MAX_MESSAGE = 0xffff;
    private static final long ONF = ErrorNames.ONF_EXPERIMENTER;
    private static final int ONF_BUNDLE_CONTROL = 2300;
    private static final int ONF_BUNDLE_ADD = 2301;

    private Codec() {
    }

    static int pad8(int length) {
        return (length + 7) & ~7;
    }

    /** The message as bytes. */
    public static byte[] encode(OfMessage message) {
        ByteBuffer out = ByteBuffer.allocate(MAX_MESSAGE);
        write(message, out);
        return Arrays.copyOf(out.array(), out.position());
    }

    private static void write(OfMessage message, ByteBuffer out) {
        int start = out.position();
        out.put((byte) VERSION).put((byte) type(message)).putShort((short) 0).putInt(message.xid());
        switch (message) {
            case Hello h -> {
                if (h.versionBitmap() != 0) {
                    out.putShort((short) 1).putShort((short) 8).putInt((int) h.versionBitmap());
                }
            }
            case OfMessage.Error e -> {
                out.putShort((short) e.type()).putShort((short) e.code());
                if (e.type() == 0xffff) {
                    out.putInt((int) e.experimenter());
                }
                out.put(e.data());
            }
            case EchoRequest e -> out.put(e.data());
            case EchoReply e -> out.put(e.data());
            case FeaturesRequest f -> {
            }
            case FeaturesReply f -> out.putLong(f.datapathId()).putInt((int) f.nBuffers()).put((byte) f.nTables())
                    .put((byte) f.auxiliaryId()).putShort((short) 0).putInt((int) f.capabilities()).putInt(0);
            case PortStatus p -> throw new IllegalArgumentException("PORT_STATUS is only decoded");
            case FlowMod f -> {
                out.putLong(f.cookie()).putLong(f.cookieMask()).put((byte) f.tableId()).put((byte) f.command().ordinal())
                        .putShort((short) f.idleTimeout()).putShort((short) f.hardTimeout()).putShort((short) f.priority())
                        .putInt(0xffffffff).putInt((int) f.outPort()).putInt((int) f.outGroup()).putShort((short) f.flags())
                        .putShort((short) 0);
                f.match().write(out);
                f.instructions().forEach(i -> Instruction.write(i, out));
            }
            case GroupMod g -> {
                out.putShort((short) g.command().ordinal()).put((byte) g.type().ordinal()).put((byte) 0).putInt((int) g.groupId());
                for (Bucket b : g.buckets()) {
                    int bucketStart = out.position();
                    out.putShort((short) 0).putShort((short) b.weight()).putInt((int) b.watchPort()).putInt((int) b.watchGroup())
                            .putInt(0);
                    b.actions().forEach(a -> Action.write(a, out));
                    out.putShort(bucketStart, (short) (out.position() - bucketStart));
                }
            }
            case FlowStatsRequest r -> {
                out.putShort((short) 1).putShort((short) 0).putInt(0);
                out.put((byte) r.tableId()).put(new byte[3]).putInt((int) r.outPort()).putInt((int) r.outGroup()).putInt(0)
                        .putLong(r.cookie()).putLong(r.cookieMask());
                r.match().write(out);
            }
            case PortStatsRequest r -> out.putShort((short) 4).putShort((short) 0).putInt(0).putInt((int) r.portNo()).putInt(0);
            case FlowStatsReply r -> throw new IllegalArgumentException("multipart replies are only decoded");
            case PortStatsReply r -> throw new IllegalArgumentException("multipart replies are only decoded");
            case BarrierRequest b -> {
            }
            case BarrierReply b -> {
            }
            case BundleControl c -> out.putInt((int) ONF).putInt(ONF_BUNDLE_CONTROL).putInt((int) c.bundleId())
                    .putShort((short) c.type().ordinal()).putShort((short) c.flags());
            case BundleAdd a -> {
                out.putInt((int) ONF).putInt(ONF_BUNDLE_ADD).putInt((int) a.bundleId()).putShort((short) 0)
                        .putShort((short) a.flags());
                write(a.message(), out);
            }
            case Unknown u -> out.put(u.body());
        }
        out.putShort(start + 2, (short) (out.position() - start));
    }

    private static int type(OfMessage message) {
        return switch (message) {
            case Hello h -> 0;
            case OfMessage.Error e -> 1;
            case EchoRequest e -> 2;
            case EchoReply e -> 3;
            case BundleControl c -> 4;
            case BundleAdd a -> 4;
            case FeaturesRequest f -> 5;
            case FeaturesReply f -> 6;
            case PortStatus p -> 12;
            case FlowMod f -> 14;
            case GroupMod g -> 15;
            case FlowStatsRequest r -> 18;
            case PortStatsRequest r -> 18;
            case FlowStatsReply r -> 19;
            case PortStatsReply r -> 19;
            case BarrierRequest b -> 20;
            case BarrierReply b -> 21;
            case Unknown u -> u.type();
        };
    }

    /** Decodes one whole message (exactly {@code length} bytes from the header). */
    public static OfMessage decode(byte[] frame) {
        try {
            return decode(ByteBuffer.wrap(frame));
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new OpenFlowCodecException("malformed message (" + frame.length + " bytes, type "
                    + (frame.length > 1 ? frame[1] & 0xff : -1) + "): " + e);
        }
    }

    private static OfMessage decode(ByteBuffer in) {
        int start = in.position();
        int version = in.get() & 0xff;
        int type = in.get() & 0xff;
        int length = in.getShort() & 0xffff;
        int xid = in.getInt();
        int end = start + length;
        if (type == 0) {
            long bitmap = 0;
            while (in.position() + 4 <= end) {
                int elementStart = in.position();
                int elementType = in.getShort() & 0xffff;
                int elementLength = in.getShort() & 0xffff;
                if (elementType == 1 && elementLength >= 8) {
                    bitmap = in.getInt() & 0xffffffffL;
                }
                in.position(elementStart + pad8(Math.max(elementLength, 4)));
            }
            return new Hello(xid, version, bitmap);
        }
        if (version != VERSION) {
            return new Unknown(xid, version, type, rest(in, end));
        }
        return switch (type) {
            case 1 -> {
                int errorType = in.getShort() & 0xffff;
                int code = in.getShort() & 0xffff;
                long experimenter = errorType == 0xffff ? in.getInt() & 0xffffffffL : 0;
                yield new OfMessage.Error(xid, errorType, code, experimenter, rest(in, end));
            }
            case 2 -> new EchoRequest(xid, rest(in, end));
            case 3 -> new EchoReply(xid, rest(in, end));
            case 4 -> decodeExperimenter(in, xid, end);
            case 5 -> new FeaturesRequest(xid);
            case 6 -> {
                long dpid = in.getLong();
                long nBuffers = in.getInt() & 0xffffffffL;
                int nTables = in.get() & 0xff;
                int aux = in.get() & 0xff;
                in.getShort();
                yield new FeaturesReply(xid, dpid, nBuffers, nTables, aux, in.getInt() & 0xffffffffL);
            }
            case 12 -> {
                int reason = in.get() & 0xff;
                in.position(in.position() + 7);
                long port = in.getInt() & 0xffffffffL;
                in.position(in.position() + 4 + 6 + 2);
                byte[] name = new byte[16];
                in.get(name);
                yield new PortStatus(xid, reason, port, cString(name));
            }
            case 14 -> decodeFlowMod(in, xid);
            case 15 -> decodeGroupMod(in, xid, end);
            case 18 -> decodeMultipartRequest(in, xid, version, type, end);
            case 19 -> decodeMultipartReply(in, xid, version, type, end);
            case 20 -> new BarrierRequest(xid);
            case 21 -> new BarrierReply(xid);
            default -> new Unknown(xid, version, type, rest(in, end));
        };
    }

    private static OfMessage decodeExperimenter(ByteBuffer in, int xid, int end) {
        int bodyStart = in.position();
        long experimenter = in.getInt() & 0xffffffffL;
        int expType = in.getInt();
        if (experimenter == ONF && expType == ONF_BUNDLE_CONTROL) {
            long bundleId = in.getInt() & 0xffffffffL;
            int controlType = in.getShort() & 0xffff;
            int flags = in.getShort() & 0xffff;
            return new BundleControl(xid, bundleId, BundleControlType.values()[controlType], flags);
        }
        if (experimenter == ONF && expType == ONF_BUNDLE_ADD) {
            long bundleId = in.getInt() & 0xffffffffL;
            in.getShort();
            int flags = in.getShort() & 0xffff;
            int innerLength = in.getShort(in.position() + 2) & 0xffff;
            byte[] inner = new byte[innerLength];
            in.get(inner);
            return new BundleAdd(xid, bundleId, flags, decode(ByteBuffer.wrap(inner)));
        }
        in.position(bodyStart);
        return new Unknown(xid, VERSION, 4, rest(in, end));
    }

    private static FlowMod decodeFlowMod(ByteBuffer in, int xid) {
        long cookie = in.getLong();
        long cookieMask = in.getLong();
        int table = in.get() & 0xff;
        FlowModCommand command = FlowModCommand.values()[in.get() & 0xff];
        int idle = in.getShort() & 0xffff;
        int hard = in.getShort() & 0xffff;
        int priority = in.getShort() & 0xffff;
        in.getInt();
        long outPort = in.getInt() & 0xffffffffL;
        long outGroup = in.getInt() & 0xffffffffL;
        int flags = in.getShort() & 0xffff;
        in.getShort();
        Match match = Match.read(in);
        List<Instruction> instructions = Instruction.readList(in, in.limit() - in.position());
        return new FlowMod(xid, cookie, cookieMask, table, command, idle, hard, priority, outPort, outGroup, flags, match,
                instructions);
    }

    private static GroupMod decodeGroupMod(ByteBuffer in, int xid, int end) {
        GroupModCommand command = GroupModCommand.values()[in.getShort() & 0xffff];
        GroupType type = GroupType.values()[in.get() & 0xff];
        in.get();
        long groupId = in.getInt() & 0xffffffffL;
        List<Bucket> buckets = new ArrayList<>();
        while (in.position() < end) {
            int bucketStart = in.position();
            int length = in.getShort() & 0xffff;
            int weight = in.getShort() & 0xffff;
            long watchPort = in.getInt() & 0xffffffffL;
            long watchGroup = in.getInt() & 0xffffffffL;
            in.getInt();
            buckets.add(new Bucket(weight, watchPort, watchGroup, Action.readList(in, length - 16)));
            in.position(bucketStart + length);
        }
        return new GroupMod(xid, command, type, groupId, buckets);
    }

    private static OfMessage decodeMultipartRequest(ByteBuffer in, int xid, int version, int type, int end) {
        int mpType = in.getShort() & 0xffff;
        in.getShort();
        in.getInt();
        return switch (mpType) {
            case 1 -> {
                int table = in.get() & 0xff;
                in.position(in.position() + 3);
                long outPort = in.getInt() & 0xffffffffL;
                long outGroup = in.getInt() & 0xffffffffL;
                in.getInt();
                long cookie = in.getLong();
                long cookieMask = in.getLong();
                yield new FlowStatsRequest(xid, table, outPort, outGroup, cookie, cookieMask, Match.read(in));
            }
            case 4 -> new PortStatsRequest(xid, in.getInt() & 0xffffffffL);
            default -> {
                in.position(in.position() - 8);
                yield new Unknown(xid, version, type, rest(in, end));
            }
        };
    }

    private static OfMessage decodeMultipartReply(ByteBuffer in, int xid, int version, int type, int end) {
        int mpType = in.getShort() & 0xffff;
        boolean more = (in.getShort() & 1) != 0;
        in.getInt();
        return switch (mpType) {
            case 1 -> {
                List<FlowStats> flows = new ArrayList<>();
                while (in.position() < end) {
                    int entryStart = in.position();
                    int length = in.getShort() & 0xffff;
                    int table = in.get() & 0xff;
                    in.get();
                    long durationSec = in.getInt() & 0xffffffffL;
                    long durationNsec = in.getInt() & 0xffffffffL;
                    int priority = in.getShort() & 0xffff;
                    int idle = in.getShort() & 0xffff;
                    int hard = in.getShort() & 0xffff;
                    int flags = in.getShort() & 0xffff;
                    in.getInt();
                    long cookie = in.getLong();
                    long packets = in.getLong();
                    long bytes = in.getLong();
                    Match match = Match.read(in);
                    List<Instruction> instructions = Instruction.readList(in, entryStart + length - in.position());
                    flows.add(new FlowStats(table, durationSec, durationNsec, priority, idle, hard, flags, cookie, packets,
                            bytes, match, instructions));
                    in.position(entryStart + length);
                }
                yield new FlowStatsReply(xid, more, flows);
            }
            case 4 -> {
                List<PortStats> ports = new ArrayList<>();
                while (in.position() + 112 <= end) {
                    long port = in.getInt() & 0xffffffffL;
                    in.getInt();
                    long[] c = new long[12];
                    for (int i = 0; i < c.length; i++) {
                        c[i] = in.getLong();
                    }
                    ports.add(new PortStats(port, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11],
                            in.getInt() & 0xffffffffL, in.getInt() & 0xffffffffL));
                }
                yield new PortStatsReply(xid, more, ports);
            }
            default -> {
                in.position(in.position() - 8);
                yield new Unknown(xid, version, type, rest(in, end));
            }
        };
    }

    private static byte[] rest(ByteBuffer in, int end) {
        byte[] bytes = new byte[Math.max(0, end - in.position())];
        in.get(bytes);
        return bytes;
    }

    private static String cString(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.US_ASCII);
    }
}
