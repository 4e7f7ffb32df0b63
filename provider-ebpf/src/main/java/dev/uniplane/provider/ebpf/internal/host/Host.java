package dev.uniplane.provider.ebpf.internal.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.uniplane.provider.ebpf.internal.ffm.LibBpf;
import dev.uniplane.provider.ebpf.internal.ffm.Mounts;

/** What {@code EbpfProvider.probe()} asks the machine; replaced by a fake in tests. */
public interface Host {

    /** Why libbpf.so.1 cannot be loaded, or empty. */
    Optional<String> libbpfFailure();

    /** The effective capability set ({@code CapEff} of /proc/self/status). */
    long effectiveCapabilities();

    boolean bpffsMounted();

    /** Mounts bpffs at /sys/fs/bpf; returns 0 or the errno. */
    int mountBpffs();

    /** {@code uname -r}, e.g. {@code 6.18.44-fc}. */
    String kernelRelease();

    static Host system() {
        return new Host() {
            @Override
            public Optional<String> libbpfFailure() {
                return LibBpf.loadFailure();
            }

            @Override
            public long effectiveCapabilities() {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                        if (line.startsWith("CapEff:")) {
                            return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                        }
                    }
                } catch (IOException | NumberFormatException e) {
                    return 0;
                }
                return 0;
            }

            @Override
            public boolean bpffsMounted() {
                return Mounts.isBpffsMounted(Mounts.BPFFS);
            }

            @Override
            public int mountBpffs() {
                return Mounts.mountBpffs(Mounts.BPFFS);
            }

            @Override
            public String kernelRelease() {
                try {
                    return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
                } catch (IOException e) {
                    return System.getProperty("os.version", "");
                }
            }
        };
    }
}
