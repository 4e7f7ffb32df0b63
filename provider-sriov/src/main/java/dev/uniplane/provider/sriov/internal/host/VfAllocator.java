package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.spi.StateFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Hands out VFs so that no VF is ever given to two workloads, across threads, processes and restarts: one allocation
 * file per VF ({@code <dir>/vf/<pci>.json}, written atomically by {@link StateFiles}) records the owner, and every
 * decision is taken under an exclusive lock on {@code <dir>/lock} (an fcntl record lock, released by the kernel when a
 * process dies). Files live under {@code /run/uniplane/sriov} by default, a tmpfs: after a reboot no VF is held.
 *
 * <p>An allocation is only ever freed by its owner ({@link #release}); an allocation whose namespace is gone stays
 * until the owner's detach restores the VF and releases it, so the VF is never reset under another workload.
 */
public final class VfAllocator {
    /** The default directory: {@code /run/uniplane/sriov}. */
    public static final Path DEFAULT_DIRECTORY = StateFiles.DIRECTORY.resolve("sriov");
    // FileChannel.lock is per process: threads of this JVM must also wait for each other
    private static final ReentrantLock IN_PROCESS = new ReentrantLock();

    private final Path directory;

    public VfAllocator(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Path directory() {
        return directory;
    }

    /**
     * Gives {@code owner} the first VF of {@code pool} that nobody holds, recording it before returning. If
     * {@code owner} already holds a VF of the pool (a retried attach), that allocation is returned again.
     *
     * @return empty when every VF of the pool is taken
     */
    public Optional<VfAllocation> allocate(String owner, String netns, List<VirtualFunction> pool) {
        Objects.requireNonNull(owner, "owner");
        return locked(() -> {
            for (VirtualFunction vf : pool) {
                Optional<VfAllocation> held = read(vf.pciAddress());
                if (held.isPresent() && held.get().owner().equals(owner)) {
                    return held;
                }
            }
            for (VirtualFunction vf : pool) {
                if (Files.notExists(file(vf.pciAddress()))) {
                    VfAllocation a = new VfAllocation(VfAllocation.VERSION, owner, netns, vf.pfName(), vf.index(),
                            vf.pciAddress(), null);
                    StateFiles.write(file(vf.pciAddress()), a);
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        });
    }

    /**
     * Rewrites an allocation (e.g. with the attach sequence's record).
     *
     * @throws IllegalStateException when the VF is not held by {@code allocation.owner()}
     */
    public void update(VfAllocation allocation) {
        locked(() -> {
            requireOwner(allocation.pciAddress(), allocation.owner());
            StateFiles.write(file(allocation.pciAddress()), allocation);
            return null;
        });
    }

    /**
     * Frees a VF if {@code owner} holds it.
     *
     * @return false (and nothing changed) when the VF is free or held by someone else
     */
    public boolean release(String pciAddress, String owner) {
        return locked(() -> {
            Optional<VfAllocation> held = read(pciAddress);
            if (held.isEmpty() || !held.get().owner().equals(owner)) {
                return false;
            }
            return StateFiles.delete(file(pciAddress));
        });
    }

    /** The allocation of a VF, if any. */
    public Optional<VfAllocation> allocation(String pciAddress) {
        return locked(() -> read(pciAddress));
    }

    /** Every recorded allocation, sorted by PCI address. */
    public List<VfAllocation> allocations() {
        return locked(() -> {
            Path vfDir = directory.resolve("vf");
            if (!Files.isDirectory(vfDir)) {
                return List.of();
            }
            List<VfAllocation> out = new ArrayList<>();
            try (Stream<Path> files = Files.list(vfDir)) {
                for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
                    StateFiles.read(f, VfAllocation.class, VfAllocation::version, VfAllocation.VERSION).ifPresent(out::add);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the VF allocations in " + vfDir + ": " + e.getMessage(), e);
            }
            return List.copyOf(out);
        });
    }

    private void requireOwner(String pciAddress, String owner) {
        Optional<VfAllocation> held = read(pciAddress);
        if (held.isEmpty() || !held.get().owner().equals(owner)) {
            throw new IllegalStateException("VF " + pciAddress + " is not held by " + owner + " (holder: "
                    + held.map(VfAllocation::owner).orElse("nobody") + ")");
        }
    }

    private Optional<VfAllocation> read(String pciAddress) {
        return StateFiles.read(file(pciAddress), VfAllocation.class, VfAllocation::version, VfAllocation.VERSION);
    }

    private Path file(String pciAddress) {
        if (!pciAddress.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not a PCI address: " + pciAddress);
        }
        return directory.resolve("vf").resolve(pciAddress + ".json");
    }

    private <T> T locked(Supplier<T> body) {
        IN_PROCESS.lock();
        try {
            Files.createDirectories(directory);
            try (FileChannel ch = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return body.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the VF allocations in " + directory + ": " + e.getMessage(), e);
        } finally {
            IN_PROCESS.unlock();
        }
    }
}
