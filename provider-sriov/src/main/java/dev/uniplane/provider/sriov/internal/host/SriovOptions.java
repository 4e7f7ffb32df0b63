package dev.uniplane.provider.sriov.internal.host;

import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;

import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The provider's {@link DataplaneConfig} options: the VF pool ({@link VfSelector}'s {@code sriov.pf},
 * {@code sriov.vendor}, {@code sriov.device}, {@code sriov.driver}) and {@code sriov.numvfs}, the VF count to set on
 * each PF the selector may use (0 then N; unset = leave the operator's count alone, as the device plugin does).
 *
 * @param selector the VF pool
 * @param numVfs   the VF count to set, or empty
 */
public record SriovOptions(VfSelector selector, OptionalInt numVfs) {
    /** Option: the VF count to set on each selected PF. */
    public static final String NUM_VFS = "sriov.numvfs";
    /** Every option key the provider knows (with {@link VfNetworkOptions#KEYS}). */
    public static final Set<String> KEYS;

    static {
        Set<String> keys = new HashSet<>(VfSelector.OPTIONS);
        keys.add(NUM_VFS);
        keys.addAll(VfNetworkOptions.KEYS);
        KEYS = Set.copyOf(keys);
    }

    /**
     * Parses and validates the options.
     *
     * @throws InvalidSpecException naming {@code options.<key>} and the value for an unknown key or a malformed value
     */
    public static SriovOptions parse(DataplaneConfig config, String providerName) {
        config.rejectUnknownOptions(providerName, KEYS);
        VfSelector selector = VfSelector.parse(key -> config.option(key).orElse(null));
        OptionalInt numVfs = OptionalInt.empty();
        if (config.option(NUM_VFS).isPresent()) {
            int n = config.intOption(NUM_VFS, 0);
            if (n < 0) {
                throw new InvalidSpecException("options." + NUM_VFS, config.option(NUM_VFS).get(), "must be 0 or more");
            }
            numVfs = OptionalInt.of(n);
        }
        return new SriovOptions(selector, numVfs);
    }
}
