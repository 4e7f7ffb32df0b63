package dev.uniplane.api;

/** The request contradicts existing state, e.g. the same endpoint id attached with another spec. */
public class ConflictException extends DataplaneException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }
}
