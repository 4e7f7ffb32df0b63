package dev.uniplane.provider.dpdk.internal.ffm;

import java.util.Map;

/** Symbolic names of the errno values DPDK control calls return (Linux x86_64 numbers, plus DPDK's own 1001/1002). */
final class ErrnoNames {
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"), Map.entry(2, "ENOENT"), Map.entry(5, "EIO"), Map.entry(11, "EAGAIN"),
            Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"), Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"),
            Map.entry(17, "EEXIST"), Map.entry(19, "ENODEV"), Map.entry(22, "EINVAL"), Map.entry(24, "EMFILE"),
            Map.entry(28, "ENOSPC"), Map.entry(34, "ERANGE"), Map.entry(38, "ENOSYS"), Map.entry(61, "ENODATA"),
            Map.entry(95, "ENOTSUP"), Map.entry(98, "EADDRINUSE"), Map.entry(110, "ETIMEDOUT"),
            Map.entry(114, "EALREADY"), Map.entry(115, "EINPROGRESS"),
            Map.entry(1001, "E_RTE_SECONDARY"), Map.entry(1002, "E_RTE_NO_CONFIG"));

    private ErrnoNames() {
    }

    static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }
}
