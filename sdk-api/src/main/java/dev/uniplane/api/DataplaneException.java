package dev.uniplane.api;

/** Root of every error a {@link Dataplane} or a provider reports. Unchecked: callers decide where to catch. */
public class DataplaneException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataplaneException(String message) {
        super(message);
    }

    public DataplaneException(String message, Throwable cause) {
        super(message, cause);
    }
}
