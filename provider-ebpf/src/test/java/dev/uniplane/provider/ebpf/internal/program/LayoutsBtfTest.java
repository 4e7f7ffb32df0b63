package dev.uniplane.provider.ebpf.internal.program;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.uniplane.provider.ebpf.internal.ffm.BpfObject;
import dev.uniplane.provider.ebpf.internal.ffm.LibBpf;
import dev.uniplane.tck.RequireAll;

/**
 * Every Java layout matches the C struct in the object's BTF: same size, and every C member at the same offset in
 * the Java layout (opening the object parses BTF; nothing is loaded, so no privilege is needed).
 */
class LayoutsBtfTest {
    private static final int BTF_KIND_STRUCT = 4;

    @Test
    void javaLayoutsMatchTheBtfOfTheObject() {
        RequireAll.prerequisite(LibBpf.loadFailure().isEmpty(), "libbpf.so.1 (apt-get install libbpf1)");
        try (BpfObject obj = BpfObject.openResource(getClass().getClassLoader(), DatapathMaps.RESOURCE)) {
            MemorySegment btf = obj.btf();
            assertThat(btf).isNotEqualTo(MemorySegment.NULL);
            for (StructLayout layout : Layouts.ALL) {
                String name = layout.name().orElseThrow();
                Map<String, Long> members = new LinkedHashMap<>();
                long size = structMembers(btf, name, members);
                assertThat(size).as("sizeof(struct %s)", name).isEqualTo(layout.byteSize());
                for (Map.Entry<String, Long> m : members.entrySet()) {
                    long javaOffset = layout.byteOffset(MemoryLayout.PathElement.groupElement(m.getKey()));
                    assertThat(javaOffset).as("offsetof(struct %s, %s)", name, m.getKey()).isEqualTo(m.getValue());
                }
                assertThat(members.size()).as("members of %s", name).isEqualTo(layout.memberLayouts().size());
            }
        }
    }

    /** Fills member name → byte offset and returns the struct size. */
    @SuppressWarnings("restricted")
    private static long structMembers(MemorySegment btf, String name, Map<String, Long> out) {
        try (Arena a = Arena.ofConfined()) {
            int id = LibBpf.btf__find_by_name_kind(btf, a.allocateFrom(name), BTF_KIND_STRUCT);
            assertThat(id).as("struct %s in BTF", name).isPositive();
            MemorySegment t = LibBpf.btf__type_by_id(btf, id).reinterpret(12 + 12L * 0xffff);
            int info = t.get(ValueLayout.JAVA_INT, 4);
            int vlen = info & 0xffff;
            boolean kindFlag = (info >>> 31) != 0;
            for (int i = 0; i < vlen; i++) {
                long base = 12 + 12L * i;
                int nameOff = t.get(ValueLayout.JAVA_INT, base);
                int bitOffset = t.get(ValueLayout.JAVA_INT, base + 8);
                if (kindFlag) {
                    bitOffset &= 0xffffff;
                }
                String member = LibBpf.btf__name_by_offset(btf, nameOff).reinterpret(256).getString(0);
                assertThat(bitOffset % 8).as("%s.%s is not a bitfield", name, member).isZero();
                out.put(member, (long) bitOffset / 8);
            }
            return LibBpf.btf__resolve_size(btf, id);
        }
    }
}
