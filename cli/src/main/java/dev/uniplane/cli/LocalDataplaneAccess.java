package dev.uniplane.cli;

import dev.uniplane.api.Capability;
import dev.uniplane.api.Dataplane;
import dev.uniplane.api.DataplaneConfig;
import dev.uniplane.api.DataplaneException;
import dev.uniplane.api.Dataplanes;
import dev.uniplane.api.NotFoundException;
import dev.uniplane.api.ProviderStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.lang3.exception.ExceptionUtils;

/**
 * Opens dataplanes in this process through {@link Dataplanes}, by name, when a command first needs them, and closes
 * them at the end of the command. With {@link Capability#RESTART_SURVIVAL} (eBPF) what they hold stays in force and
 * the next command adopts it; other providers remove their state on close, so without an agent they only serve
 * one-shot use.
 */
public final class LocalDataplaneAccess implements DataplaneAccess {
    private final AccessSettings settings;
    private final Dataplanes dataplanes;
    private final Map<String, Dataplane> open = new LinkedHashMap<>();

    public LocalDataplaneAccess(AccessSettings settings, Dataplanes dataplanes) {
        this.settings = settings;
        this.dataplanes = dataplanes;
    }

    @Override
    public String describe() {
        return "in-process (no agent; dataplanes are opened by this command and closed when it ends)";
    }

    @Override
    public List<String> dataplaneNames() {
        return settings.dataplanes();
    }

    @Override
    public synchronized Dataplane dataplane(String name) {
        if (!settings.dataplanes().contains(name)) {
            throw new NotFoundException("no dataplane named " + name + " (known: " + settings.dataplanes() + ")");
        }
        Dataplane dataplane = open.get(name);
        if (dataplane == null) {
            DataplaneConfig.Builder config = DataplaneConfig.builder().name(name).provider(settings.provider())
                    .hostNetns(settings.hostNetns()).uplink(settings.uplink());
            settings.options().forEach(config::option);
            dataplane = dataplanes.open(config.build());
            open.put(name, dataplane);
        }
        return dataplane;
    }

    @Override
    public List<DataplaneHealth> health() {
        List<DataplaneHealth> health = new ArrayList<>();
        for (String name : settings.dataplanes()) {
            try {
                Dataplane dataplane = dataplane(name);
                String note = dataplane.capabilities().has(Capability.RESTART_SURVIVAL) ? ""
                        : "provider " + dataplane.provider() + " lacks RESTART_SURVIVAL: its state ends with this command; use the agent";
                health.add(new DataplaneHealth(name, dataplane.provider(), true, "", "", note));
            } catch (DataplaneException e) {
                health.add(new DataplaneHealth(name, "", false, ExceptionUtils.getMessage(e), "", ""));
            }
        }
        return health;
    }

    @Override
    public List<ProviderStatus> providers() {
        return dataplanes.list();
    }

    @Override
    public synchronized void close() {
        RuntimeException first = null;
        for (Dataplane dataplane : open.values()) {
            try {
                dataplane.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }
}
