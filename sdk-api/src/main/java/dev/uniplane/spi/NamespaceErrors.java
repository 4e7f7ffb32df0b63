package dev.uniplane.spi;

import dev.uniplane.api.AttachSpec;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.InvalidSpecException;

/**
 * The error every provider gives when a network namespace that the caller named cannot be opened: an
 * {@link InvalidSpecException} naming the field and its value, with the cause (an errno name such as {@code ENOENT}).
 */
public final class NamespaceErrors {
    private NamespaceErrors() {
    }

    /**
     * For attach: the workload namespace of {@code spec} cannot be opened.
     *
     * @param spec the endpoint being attached
     * @param cause why, for example an errno name
     * @return the exception naming field {@code netns} and its value
     */
    public static InvalidSpecException workload(AttachSpec spec, String cause) {
        return new InvalidSpecException("netns", spec.netns(), "cannot open the workload namespace: " + cause);
    }

    /**
     * For open: the node namespace of {@code config} cannot be opened.
     *
     * @param config the dataplane being opened
     * @param cause why, for example an errno name
     * @return the exception naming field {@code hostNetns} and its value
     */
    public static InvalidSpecException node(DataplaneConfig config, String cause) {
        return new InvalidSpecException("hostNetns", config.hostNetns(), "cannot open: " + cause);
    }
}
