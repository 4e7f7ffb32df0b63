package dev.uniplane.linux;

import dev.uniplane.linux.internal.ffm.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.function.Predicate;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Offload switches through the {@code SIOCETHTOOL} ioctl (no {@code ethtool} binary). Like {@code ethtool -K}, each
 * {@link Offload} stands for the device features whose names match ethtool's pattern for it, looked up in the
 * device's feature string set and cleared with one ETHTOOL_SFEATURES, so the device ends up exactly as ethtool leaves
 * it (the legacy per-offload commands miss newer bits such as {@code tx-tcp-accecn-segmentation}).
 */
public final class Ethtool {
    private static final long SIOCETHTOOL = 0x8946;
    private static final int AF_INET = 2;
    private static final int IFNAMSIZ = 16;
    private static final long IFREQ_SIZE = 40;
    private static final long IFREQ_DATA = 16;
    private static final int ETHTOOL_GSTRINGS = 0x1b;
    private static final int ETHTOOL_GSSET_INFO = 0x37;
    private static final int ETHTOOL_SFEATURES = 0x3b;
    private static final int ETH_SS_FEATURES = 4;
    private static final int ETH_GSTRING_LEN = 32;

    /** An offload as {@code ethtool -K} names it, with the feature names it covers. */
    public enum Offload {
        /** {@code tx}: {@code tx-checksum-*}; without a checksum feature the kernel also drops TSO. */
        TX_CHECKSUM("tx", name -> name.startsWith("tx-checksum-")),
        /** {@code tso}: {@code tx-tcp*-segmentation}. */
        TSO("tso", name -> name.startsWith("tx-tcp") && name.endsWith("-segmentation")),
        /** {@code gso}: {@code tx-generic-segmentation}. */
        GSO("gso", "tx-generic-segmentation"::equals);

        private final String ethtoolName;
        private final Predicate<String> features;

        Offload(String ethtoolName, Predicate<String> features) {
            this.ethtoolName = ethtoolName;
            this.features = features;
        }

        /** The name {@code ethtool -K} uses. */
        public String ethtoolName() {
            return ethtoolName;
        }
    }

    private Ethtool() {
    }

    /** {@code ethtool -K <interfaceName> <offload> off ...} inside {@code netns}. */
    public static void turnOff(NetNs netns, String interfaceName, Set<Offload> offloads) {
        if (offloads.isEmpty()) {
            return;
        }
        byte[] name = interfaceName.getBytes(StandardCharsets.UTF_8);
        if (name.length >= IFNAMSIZ) {
            throw new LinuxException("ethtool", interfaceName, Errno.EINVAL, "interface name longer than 15 bytes");
        }
        String object = interfaceName + " in " + netns.path();
        // The ioctl finds the device in the namespace of the socket, so the socket is opened inside.
        int fd = netns.run(() -> LibC.socket(AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifreq = arena.allocate(IFREQ_SIZE, 8);
            MemorySegment.copy(name, 0, ifreq, JAVA_BYTE, 0, name.length); // NUL-terminated by the zeroed rest
            String[] features = featureNames(fd, ifreq, arena, object);
            int blocks = (features.length + 31) / 32;
            // struct ethtool_sfeatures { u32 cmd; u32 size; struct { u32 valid; u32 requested; } features[size]; }
            MemorySegment set = arena.allocate(8 + 8L * blocks, 8);
            set.set(JAVA_INT, 0, ETHTOOL_SFEATURES);
            set.set(JAVA_INT, 4, blocks);
            for (int bit = 0; bit < features.length; bit++) {
                String feature = features[bit];
                if (offloads.stream().anyMatch(o -> o.features.test(feature))) {
                    long valid = 8 + 8L * (bit / 32);
                    set.set(JAVA_INT, valid, set.get(JAVA_INT, valid) | (1 << (bit % 32))); // requested stays 0: off
                }
            }
            ethtool(fd, ifreq, set, "set features " + offloads, object);
        } finally {
            LibC.close(fd);
        }
    }

    /** The device's feature names, indexed by feature bit (ETHTOOL_GSSET_INFO, then ETHTOOL_GSTRINGS). */
    private static String[] featureNames(int fd, MemorySegment ifreq, Arena arena, String object) {
        // struct ethtool_sset_info { u32 cmd; u32 reserved; u64 sset_mask; u32 data[]; }
        MemorySegment info = arena.allocate(16 + 4, 8);
        info.set(JAVA_INT, 0, ETHTOOL_GSSET_INFO);
        info.set(JAVA_LONG, 8, 1L << ETH_SS_FEATURES);
        ethtool(fd, ifreq, info, "feature count", object);
        int count = info.get(JAVA_INT, 16);
        // struct ethtool_gstrings { u32 cmd; u32 string_set; u32 len; u8 data[len * ETH_GSTRING_LEN]; }
        MemorySegment strings = arena.allocate(12 + (long) count * ETH_GSTRING_LEN, 8);
        strings.set(JAVA_INT, 0, ETHTOOL_GSTRINGS);
        strings.set(JAVA_INT, 4, ETH_SS_FEATURES);
        strings.set(JAVA_INT, 8, count);
        ethtool(fd, ifreq, strings, "feature names", object);
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = strings.asSlice(12 + (long) i * ETH_GSTRING_LEN, ETH_GSTRING_LEN).getString(0);
        }
        return names;
    }

    private static void ethtool(int fd, MemorySegment ifreq, MemorySegment command, String what, String object) {
        ifreq.set(ADDRESS, IFREQ_DATA, command);
        LibC.ioctl(fd, SIOCETHTOOL, ifreq, "ethtool " + what + " " + object);
    }
}
