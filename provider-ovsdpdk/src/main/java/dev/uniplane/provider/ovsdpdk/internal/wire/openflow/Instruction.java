package dev.uniplane.provider.ovsdpdk.internal.wire.openflow;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** An OpenFlow 1.3 instruction (section 7.2.4). An empty instruction list means drop. */
public sealed interface Instruction {
    /** GOTO_TABLE (type 1, 8 bytes). */
    record GotoTable(int tableId) implements Instruction {
    }

    /** APPLY_ACTIONS (type 4): 8-byte header + actions. */
    record ApplyActions(List<Action> actions) implements Instruction {
        public ApplyActions {
            actions = List.copyOf(actions);
        }

        /** Apply the given actions. */
        public static ApplyActions of(Action... actions) {
            return new ApplyActions(List.of(actions));
        }
    }

    /** Any other instruction as received. */
    record Other(int type, String bodyHex) implements Instruction {
    }

    static void write(Instruction instruction, ByteBuffer out) {
        switch (instruction) {
            case GotoTable g -> out.putShort((short) 1).putShort((short) 8).put((byte) g.tableId()).put(new byte[3]);
            case ApplyActions a -> {
                int start = out.position();
                out.putShort((short) 4).putShort((short) 0).putInt(0);
                a.actions().forEach(action -> Action.write(action, out));
                out.putShort(start + 2, (short) (out.position() - start));
            }
            case Other o -> {
                byte[] body = HexFormat.of().parseHex(o.bodyHex());
                out.putShort((short) o.type()).putShort((short) (4 + body.length)).put(body);
            }
        }
    }

    static List<Instruction> readList(ByteBuffer in, int length) {
        List<Instruction> instructions = new ArrayList<>();
        int end = in.position() + length;
        while (in.position() < end) {
            int start = in.position();
            int type = in.getShort() & 0xffff;
            int len = in.getShort() & 0xffff;
            if (len < 8) {
                throw new OpenFlowCodecException("instruction of type " + type + " with length " + len);
            }
            instructions.add(switch (type) {
                case 1 -> new GotoTable(in.get() & 0xff);
                case 4 -> {
                    in.position(start + 8);
                    yield new ApplyActions(Action.readList(in, len - 8));
                }
                default -> {
                    byte[] body = new byte[len - 4];
                    in.get(body);
                    yield new Other(type, HexFormat.of().formatHex(body));
                }
            });
            in.position(start + len);
        }
        return instructions;
    }
}
