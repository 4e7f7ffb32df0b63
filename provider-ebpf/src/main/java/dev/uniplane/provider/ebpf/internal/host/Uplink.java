package dev.uniplane.provider.ebpf.internal.host;

import dev.uniplane.linux.RtNetlink;
import dev.uniplane.provider.ebpf.EbpfProvider;
import dev.uniplane.linux.UplinkSnapshot;
import dev.uniplane.spi.state.SavedDataplane;
import java.nio.file.Path;

/**
 * The user's uplink as it was before this dataplane's first open, recorded ({@link UplinkSnapshot#recordOnce}) in
 * {@code /run/uniplane/ebpf-<name>.uplink.json} next to the state file, so that it survives close and reopen, and put back
 * by destroy: the clsact qdisc that {@code bpf_tc_hook_create} made goes when it was not there before, one of the
 * user's stays with only our filter gone.
 */
public final class Uplink {

    private Uplink() {
    }

    /** Where the uplink of dataplane {@code name} is recorded. */
    public static Path recordOf(String dataplane) {
        return UplinkSnapshot.recordFile(EbpfProvider.NAME, dataplane);
    }

    private static Path stateFileOf(String dataplane) {
        return SavedDataplane.file(EbpfProvider.NAME, dataplane);
    }

    /** Records the uplink before open touches it; a record of an earlier instance is kept (it saw the uplink first). */
    public static void recordBefore(RtNetlink links, String uplink, String dataplane) {
        UplinkSnapshot.recordOnce(recordOf(dataplane), links, uplink);
    }

    /**
     * After an open that failed before the dataplane's state was ever written (a fresh open): the record would
     * otherwise stand for an uplink seen at a time nothing of ours was on it. Never throws.
     */
    public static void forgetAfterFailedFirstOpen(RtNetlink links, String dataplane) {
        if (links != null && !java.nio.file.Files.exists(stateFileOf(dataplane))) {
            restoreBefore(links, dataplane);
        }
    }

    /** After our filter is detached: puts the uplink back as recorded and forgets the record. Never throws. */
    public static void restoreBefore(RtNetlink links, String dataplane) {
        UplinkSnapshot.restoreRecorded(recordOf(dataplane), links);
    }
}
