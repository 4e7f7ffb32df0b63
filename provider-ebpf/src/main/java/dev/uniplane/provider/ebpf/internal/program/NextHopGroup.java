package dev.uniplane.provider.ebpf.internal.program;

import static dev.uniplane.provider.ebpf.internal.program.Layouts.UP_NH_GROUP;

import java.util.ArrayList;
import java.util.List;

import dev.uniplane.api.InvalidSpecException;

/**
 * Value of {@code up_nh_groups} ({@code struct up_nh_group}, 2568 bytes): up to {@link Layouts#MAX_HOPS} weighted
 * hops; the program picks one by {@code flow_hash % total_weight}. A group with no hops means NO_ROUTE.
 */
public record NextHopGroup(List<NextHopEntry> hops) {
    public static final int SIZE = (int) UP_NH_GROUP.byteSize();
    private static final long HOPS = Wire.offset(UP_NH_GROUP, "hops");

    public NextHopGroup {
        hops = List.copyOf(hops);
        if (hops.size() > Layouts.MAX_HOPS) {
            throw new InvalidSpecException("nextHops", hops.size() + " next hops",
                    "the eBPF next-hop group holds at most " + Layouts.MAX_HOPS + " (UP_MAX_HOPS)");
        }
    }

    public int totalWeight() {
        return hops.stream().mapToInt(NextHopEntry::weight).sum();
    }

    public byte[] encode() {
        byte[] b = new byte[SIZE];
        Wire.u32(b, Wire.offset(UP_NH_GROUP, "count"), hops.size());
        Wire.u32(b, Wire.offset(UP_NH_GROUP, "total_weight"), totalWeight());
        for (int i = 0; i < hops.size(); i++) {
            hops.get(i).encodeInto(b, (int) (HOPS + (long) i * NextHopEntry.SIZE));
        }
        return b;
    }

    public static NextHopGroup decode(byte[] b) {
        Wire.check(b, UP_NH_GROUP);
        int count = Wire.u32(b, Wire.offset(UP_NH_GROUP, "count"));
        List<NextHopEntry> hops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            hops.add(NextHopEntry.decodeFrom(b, (int) (HOPS + (long) i * NextHopEntry.SIZE)));
        }
        return new NextHopGroup(hops);
    }
}
