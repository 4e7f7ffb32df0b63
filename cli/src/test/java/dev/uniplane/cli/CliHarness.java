package dev.uniplane.cli;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.uniplane.api.Capabilities;
import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs the command line in this JVM against a mocked {@link DataplaneAccess} that hands out a mocked {@link Dataplane}. */
final class CliHarness {
    final DataplaneAccess access = mock(DataplaneAccess.class);
    final Dataplane dataplane = mock(Dataplane.class);
    AccessSettings lastSettings;

    /** What one run printed and returned. */
    record Result(int code, String out, String err) {
    }

    CliHarness() {
        when(access.dataplane("default")).thenReturn(dataplane);
        when(access.dataplaneNames()).thenReturn(List.of("default"));
        when(access.describe()).thenReturn("mock");
        when(dataplane.name()).thenReturn("default");
        when(dataplane.provider()).thenReturn("mockprovider");
        when(dataplane.capabilities()).thenReturn(Capabilities.of(Capability.POLICY, Capability.RESTART_SURVIVAL));
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UniplaneCommand.execute(settings -> {
            lastSettings = settings;
            return access;
        }, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
