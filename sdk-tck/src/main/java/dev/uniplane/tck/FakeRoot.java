package dev.uniplane.tck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Builds a fake filesystem root for {@link dev.uniplane.spi.ProbeHost} in provider probe tests. */
public final class FakeRoot {
    /** {@code CapEff} of a root process with every capability. */
    public static final String ALL_CAPS = "000001ffffffffff";
    /** {@code CapEff} of an unprivileged process. */
    public static final String NO_CAPS = "0000000000000000";

    private final Path root;

    public FakeRoot(Path root) {
        this.root = root;
    }

    /** Writes {@code /proc/self/status} with the given uid and effective capability mask (hex). */
    public FakeRoot status(int uid, String capEff) throws IOException {
        return file("/proc/self/status", "Name:\tjava\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\nCapEff:\t" + capEff + "\n");
    }

    public FakeRoot file(String absolute, String content) throws IOException {
        Path p = root.resolve(absolute.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return this;
    }

    public FakeRoot executable(String absolute) throws IOException {
        file(absolute, "#!/bin/sh\n");
        Files.setPosixFilePermissions(root.resolve(absolute.substring(1)), PosixFilePermissions.fromString("rwxr-xr-x"));
        return this;
    }

    public Path path() {
        return root;
    }
}
