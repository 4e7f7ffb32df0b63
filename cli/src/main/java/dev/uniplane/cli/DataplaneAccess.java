package dev.uniplane.cli;

import dev.uniplane.api.Dataplane;
import dev.uniplane.api.ProviderStatus;
import java.util.List;

/**
 * How the CLI reaches dataplanes: in this process ({@link LocalDataplaneAccess}) or through the agent (an adapter
 * over the agent client). Every command goes through this interface only, so both behave the same.
 */
public interface DataplaneAccess extends AutoCloseable {

    /** Where the dataplanes live, for {@code status}: e.g. "in-process" or "agent at /run/uniplane/agent.sock". */
    String describe();

    /** The names of the dataplanes this access can reach. */
    List<String> dataplaneNames();

    /**
     * The dataplane with this name, ready to use; owned by the access (the caller does not close it).
     *
     * @throws dev.uniplane.api.NotFoundException when there is no such dataplane
     */
    Dataplane dataplane(String name);

    /** Health of every dataplane of {@link #dataplaneNames()}. */
    List<DataplaneHealth> health();

    /** Every provider the dataplanes can be opened with, and whether it can run. */
    List<ProviderStatus> providers();

    /** Releases what the access holds (connections, dataplanes it opened). */
    @Override
    void close();
}
