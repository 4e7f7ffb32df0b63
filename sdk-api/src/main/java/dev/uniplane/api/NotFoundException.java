package dev.uniplane.api;

/** The endpoint, route or remote endpoint named in a call does not exist. */
public class NotFoundException extends DataplaneException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
