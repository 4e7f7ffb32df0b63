package dev.uniplane.linux;

import dev.uniplane.linux.internal.ffm.LibC;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads sysfs below a configurable root ({@code /sys} normally, a fake tree in tests). Symbolic links are resolved
 * textually against the link's directory (the kernel creates relative links like {@code ../../../0000:01:00.0}), so a fake
 * tree works without absolute paths. Missing files are {@link Optional#empty()}; other I/O errors are
 * {@link LinuxException}s naming the path. Writes go through libc so the kernel's errno is exact. Note that {@code /sys/class/net} shows the namespace sysfs was mounted in, not
 * the calling thread's.
 */
public final class Sysfs {
    private final Path root;

    public Sysfs(Path root) {
        this.root = root;
    }

    /** The real {@code /sys}. */
    public static Sysfs system() {
        return new Sysfs(Path.of("/sys"));
    }

    public Path root() {
        return root;
    }

    private Path path(String relative) {
        return root.resolve(relative.startsWith("/") ? relative.substring(1) : relative);
    }

    /** The trimmed content of a file, or empty if it does not exist. */
    public Optional<String> read(String relative) {
        Path p = path(relative);
        try {
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw failure("read", p, e);
        }
    }

    /** A decimal or {@code 0x} hexadecimal number. */
    public Optional<Long> readLong(String relative) {
        return read(relative).map(s -> s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s));
    }

    public Optional<Integer> readInt(String relative) {
        return readLong(relative).map(Math::toIntExact);
    }

    /**
     * Writes a value (e.g. {@code 4} to {@code sriov_numvfs}) with one {@code write(2)}, so the kernel's errno (EBUSY,
     * ERANGE, ENOENT, ...) arrives exactly, captured by FFM, in the {@link LinuxException}.
     */
    public void write(String relative, String value) {
        String p = path(relative).toString();
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        // O_TRUNC like a shell redirect: sysfs ignores it, a fake tree needs it
        int fd = LibC.open(p, LibC.O_WRONLY | LibC.O_TRUNC | LibC.O_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, bytes.length);
            long n = LibC.write(fd, buf, bytes.length, p);
            if (n != bytes.length) {
                throw new LinuxException("write", p, Errno.EIO, "short write " + n + " of " + bytes.length);
            }
        } finally {
            LibC.close(fd);
        }
    }

    /** Entry names of a directory, sorted; empty if the directory does not exist. */
    public List<String> list(String relative) {
        Path p = path(relative);
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of();
        } catch (IOException e) {
            throw failure("list", p, e);
        }
    }

    /** The raw target of a symbolic link, or empty if {@code relative} is not a link. */
    public Optional<String> readLink(String relative) {
        Path p = path(relative);
        if (!Files.isSymbolicLink(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(p).toString());
        } catch (IOException e) {
            throw failure("readlink", p, e);
        }
    }

    /** The link target resolved textually to a path relative to the root (e.g. {@code devices/pci0000:00/...}). */
    public Optional<String> resolveLink(String relative) {
        return readLink(relative).map(target -> {
            Path rel = Path.of(relative.startsWith("/") ? relative.substring(1) : relative);
            Path parent = rel.getParent() == null ? Path.of("") : rel.getParent();
            Path resolved = target.startsWith("/") ? Path.of(target.substring(1)) : parent.resolve(target).normalize();
            return resolved.toString();
        });
    }

    /** The last path element of a link's target, e.g. the PCI address behind {@code class/net/eth0/device}. */
    public Optional<String> linkName(String relative) {
        return readLink(relative).map(t -> Path.of(t).getFileName().toString());
    }

    /** Network devices in {@code class/net}. */
    public List<String> netDevices() {
        return list("class/net");
    }

    /** PCI address of a network device, empty for virtual ones. */
    public Optional<String> pciAddress(String ifName) {
        return linkName("class/net/" + ifName + "/device");
    }

    /** {@code sriov_totalvfs} of a PCI function (empty if it is not SR-IOV capable). */
    public Optional<Integer> sriovTotalVfs(String pciAddress) {
        return readInt("bus/pci/devices/" + pciAddress + "/sriov_totalvfs");
    }

    public Optional<Integer> sriovNumVfs(String pciAddress) {
        return readInt("bus/pci/devices/" + pciAddress + "/sriov_numvfs");
    }

    /** PCI addresses of a PF's VFs in VF-number order ({@code virtfn2} before {@code virtfn10}). */
    public List<String> virtualFunctions(String pfPciAddress) {
        String dir = "bus/pci/devices/" + pfPciAddress;
        List<String> names = new ArrayList<>(list(dir).stream().filter(n -> n.matches("virtfn\\d+")).toList());
        names.sort(Comparator.comparingInt(n -> Integer.parseInt(n.substring("virtfn".length()))));
        return names.stream().map(n -> linkName(dir + "/" + n).orElseThrow()).toList();
    }

    /** The PF of a VF, or empty for a non-VF. */
    public Optional<String> physicalFunction(String vfPciAddress) {
        return linkName("bus/pci/devices/" + vfPciAddress + "/physfn");
    }

    /** Network interface names of a PCI function ({@code <dev>/net/}); empty once moved to another netns. */
    public List<String> netNames(String pciAddress) {
        return list("bus/pci/devices/" + pciAddress + "/net");
    }

    /** The bound driver's name, or empty. */
    public Optional<String> driver(String pciAddress) {
        return linkName("bus/pci/devices/" + pciAddress + "/driver");
    }

    private static LinuxException failure(String op, Path p, IOException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage();
        int errno = msg.contains("Permission denied") ? Errno.EACCES
                : msg.contains("Invalid argument") ? Errno.EINVAL : Errno.EIO;
        LinuxException le = new LinuxException(op, p.toString(), errno, msg);
        le.initCause(e);
        return le;
    }
}
