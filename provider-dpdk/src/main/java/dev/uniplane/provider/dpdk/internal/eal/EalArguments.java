package dev.uniplane.provider.dpdk.internal.eal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The {@code rte_eal_init} argument vector for a config (NOTES 3.4): program name, {@code --lcores=0@cpu}, a unique
 * {@code --file-prefix}, {@code --no-pci}, {@code --no-telemetry}, the memory arguments, the log level and the vdevs.
 *
 * @param filePrefix the {@code --file-prefix} (and the name of the runtime directory under {@code /var/run/dpdk})
 * @param memory     the resolved memory mode (never {@link EalConfig.Memory#AUTO})
 * @param argv       the full vector, {@code argv[0]} included
 */
public record EalArguments(String filePrefix, EalConfig.Memory memory, List<String> argv) {
    /** {@link EalConfig.Memory#AUTO} takes hugepages from this many free ones on (64 are reserved on the reference box). */
    public static final int MIN_FREE_HUGEPAGES = 16;
    /** {@code argv[0]}. */
    public static final String PROGRAM = "uniplane-dpdk";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Copies. */
    public EalArguments {
        argv = List.copyOf(argv);
    }

    /** The arguments for {@code config} with a fresh prefix, resolving {@code AUTO} with {@code /proc/meminfo}. */
    public static EalArguments of(EalConfig config) {
        return of(config, newFilePrefix(), freeHugePages(Path.of("/proc/meminfo")));
    }

    /** The arguments for {@code config}, {@code filePrefix} and a known number of free hugepages. */
    public static EalArguments of(EalConfig config, String filePrefix, long freeHugePages) {
        if (!filePrefix.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("file prefix must be [A-Za-z0-9_]+: " + filePrefix);
        }
        EalConfig.Memory memory = switch (config.memory()) {
            case AUTO -> freeHugePages >= MIN_FREE_HUGEPAGES ? EalConfig.Memory.HUGEPAGES : EalConfig.Memory.NO_HUGE;
            case HUGEPAGES, NO_HUGE -> config.memory();
        };
        List<String> argv = new ArrayList<>();
        argv.add(PROGRAM);
        argv.add("--lcores=0@" + config.lcoreCpu());
        argv.add("--file-prefix=" + filePrefix);
        argv.add("--no-pci");
        argv.add("--no-telemetry");
        switch (memory) {
            // No hugetlbfs is mounted: only --in-memory (memfd hugepages) works.
            case HUGEPAGES -> argv.add("--in-memory");
            // --in-memory cannot be combined with --no-huge; --no-shconf keeps the prefix from being locked.
            case NO_HUGE -> argv.addAll(List.of("--no-huge", "-m", Integer.toString(config.noHugeMemoryMb()), "--no-shconf"));
            case AUTO -> throw new AssertionError("resolved above");
        }
        argv.add("--log-level=" + config.logLevel());
        config.vdevs().forEach(vdev -> argv.add("--vdev=" + vdev));
        return new EalArguments(filePrefix, memory, argv);
    }

    /** {@code upd} + pid + 6 random hex digits: unique per process, as EAL needs. */
    public static String newFilePrefix() {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        return "upd" + ProcessHandle.current().pid() + "_" + HexFormat.of().formatHex(random);
    }

    /** {@code HugePages_Free} of a meminfo file; 0 when the line or the file is missing. */
    public static long freeHugePages(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo)) {
                if (line.startsWith("HugePages_Free:")) {
                    return Long.parseLong(line.substring("HugePages_Free:".length()).trim());
                }
            }
            return 0;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
