package dev.uniplane.provider.vpp.internal.host;

import dev.uniplane.provider.vpp.internal.wire.ApiDump;
import dev.uniplane.provider.vpp.internal.wire.ApiRequest;
import dev.uniplane.provider.vpp.internal.wire.VppApiClient;
import dev.uniplane.provider.vpp.internal.wire.VppUnreachableException;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * The dataplane's current API client, replaced when VPP restarts, with unchecked calls: a lost connection or a
 * timeout becomes {@link VppUnreachableException}, a negative retval stays {@code VppApiException}.
 */
public final class VppConnection {
    private volatile VppApiClient client;

    /** Starts with {@code client}. */
    public VppConnection(VppApiClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** The client in use. */
    public VppApiClient client() {
        return client;
    }

    /** Uses {@code next} from now on and closes the previous client. */
    public void replace(VppApiClient next) {
        VppApiClient previous = client;
        client = Objects.requireNonNull(next, "next");
        if (previous != next) {
            previous.close();
        }
    }

    /** Whether the client is connected. */
    public boolean connected() {
        return client.isConnected();
    }

    /** Sends {@code request} and returns its decoded reply. */
    public <R> R call(ApiRequest<R> request) {
        try {
            return client.call(request);
        } catch (IOException e) {
            throw new VppUnreachableException(request.request().name(), e);
        }
    }

    /** Runs {@code dump} and returns its details. */
    public <D> List<D> dump(ApiDump<D> dump) {
        try {
            return client.dump(dump);
        } catch (IOException e) {
            throw new VppUnreachableException(dump.request().name(), e);
        }
    }

    /** Closes the client. */
    public void close() {
        client.close();
    }
}
