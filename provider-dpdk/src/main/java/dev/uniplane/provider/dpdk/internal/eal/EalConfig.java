package dev.uniplane.provider.dpdk.internal.eal;

import java.util.List;
import java.util.Objects;

/**
 * What EAL is started with. Two configs are the same EAL exactly when they are equal; the per-process file prefix is
 * not part of it (see {@link EalArguments}).
 *
 * @param lcoreCpu      the CPU the lcore thread is pinned to ({@code --lcores=0@cpu})
 * @param vdevs         devices created at init ({@code --vdev=...}), e.g. {@code net_null0}; more can be hot-plugged later
 * @param memory        hugepages or 4 KiB pages
 * @param noHugeMemoryMb memory for {@link Memory#NO_HUGE} ({@code -m})
 * @param logLevel      EAL's global log level ({@code --log-level}), e.g. {@code notice}
 */
public record EalConfig(int lcoreCpu, List<String> vdevs, Memory memory, int noHugeMemoryMb, String logLevel) {
    /** How EAL gets its memory. */
    public enum Memory {
        /** Hugepages when at least {@link EalArguments#MIN_FREE_HUGEPAGES} are free, else {@link #NO_HUGE}. */
        AUTO,
        /** Anonymous hugepages ({@code --in-memory}; no hugetlbfs is mounted on the reference machine). */
        HUGEPAGES,
        /** 4 KiB pages ({@code --no-huge -m N --no-shconf}): works without hugepages, ~3x slower per packet. */
        NO_HUGE
    }

    /** Validates and copies. */
    public EalConfig {
        if (lcoreCpu < 0) {
            throw new IllegalArgumentException("lcoreCpu must be >= 0: " + lcoreCpu);
        }
        vdevs = List.copyOf(vdevs);
        for (String vdev : vdevs) {
            if (vdev.isBlank() || vdev.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a vdev argument must be non-blank without whitespace: '" + vdev + "'");
            }
        }
        Objects.requireNonNull(memory, "memory");
        if (noHugeMemoryMb < 64) {
            throw new IllegalArgumentException("noHugeMemoryMb must be >= 64: " + noHugeMemoryMb);
        }
        if (!logLevel.matches("[a-z]+|[0-8]")) {
            throw new IllegalArgumentException("logLevel must be a DPDK level name or 0-8: " + logLevel);
        }
    }

    /** The last CPU of this machine, no vdevs, {@link Memory#AUTO}, 512 MiB without hugepages, log level {@code notice}. */
    public static EalConfig defaults() {
        return new EalConfig(Math.max(0, Runtime.getRuntime().availableProcessors() - 1), List.of(), Memory.AUTO, 512, "notice");
    }

    /** This config with other init-time vdevs. */
    public EalConfig withVdevs(String... devargs) {
        return new EalConfig(lcoreCpu, List.of(devargs), memory, noHugeMemoryMb, logLevel);
    }

    /** This config with another memory mode. */
    public EalConfig withMemory(Memory newMemory) {
        return new EalConfig(lcoreCpu, vdevs, newMemory, noHugeMemoryMb, logLevel);
    }

    /** This config on another CPU. */
    public EalConfig withLcoreCpu(int cpu) {
        return new EalConfig(cpu, vdevs, memory, noHugeMemoryMb, logLevel);
    }
}
