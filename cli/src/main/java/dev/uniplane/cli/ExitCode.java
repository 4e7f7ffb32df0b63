package dev.uniplane.cli;

import dev.uniplane.api.BackendException;
import dev.uniplane.api.ConflictException;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.InvalidSpecException;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.ProviderUnavailableException;
import dev.uniplane.api.UnsupportedCapabilityException;

/** The exit status of {@code uniplane}, one per kind of error (documented in docs/cli.md). */
public enum ExitCode {
    /** Done. */
    OK(0),
    /** An unexpected error (a bug): the message and stack trace say more. */
    INTERNAL(1),
    /** The command line is wrong (unknown option, missing argument). */
    USAGE(2),
    /** A spec, file or value is invalid ({@link InvalidSpecException}, {@link SpecFileException}); nothing changed. */
    INVALID(3),
    /** The endpoint, route, remote or dataplane named does not exist ({@link NotFoundException}). */
    NOT_FOUND(4),
    /** The request contradicts the current state, or the state changed under a plan ({@link ConflictException}). */
    CONFLICT(5),
    /** The provider lacks a capability the command needs ({@link UnsupportedCapabilityException}). */
    UNSUPPORTED(6),
    /** The provider (or agent) is missing or cannot run here ({@link ProviderUnavailableException}). */
    UNAVAILABLE(7),
    /** The backend (kernel, daemon) refused or failed ({@link BackendException}). */
    BACKEND(8),
    /** Any other dataplane error. */
    DATAPLANE(9),
    /** {@code plan --detailed-exitcode}: the plan has changes. */
    CHANGES_PENDING(10);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The exit code for an exception a command let through. */
    public static ExitCode of(Throwable error) {
        return switch (error) {
            case SpecFileException e -> INVALID;
            case InvalidSpecException e -> INVALID;
            case NotFoundException e -> NOT_FOUND;
            case ConflictException e -> CONFLICT;
            case UnsupportedCapabilityException e -> UNSUPPORTED;
            case ProviderUnavailableException e -> UNAVAILABLE;
            case BackendException e -> BACKEND;
            case DataplaneException e -> DATAPLANE;
            case picocli.CommandLine.ParameterException e -> USAGE;
            default -> INTERNAL;
        };
    }
}
