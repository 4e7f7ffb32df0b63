package dev.uniplane.api;

/** A running stats watch; {@link #close()} stops it. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
