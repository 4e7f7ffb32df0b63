package dev.uniplane.agent.client;

import dev.uniplane.api.DataplaneException;

/** The agent could not be reached: no socket file, nobody listening on it, or the connection broke. */
public class AgentUnavailableException extends DataplaneException {
    private static final long serialVersionUID = 1L;

    public AgentUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
