package io.hoop.broker;

import io.hoop.broker.config.ConfigException;
import io.hoop.broker.config.ConfigLoader;
import io.hoop.broker.store.PostgresConfig;
import io.hoop.broker.store.Store;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where an offline admin command finds the store: the data dir, and the config's store section. */
final class StoreOptions {
  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "The broker's data dir (default $HOOP_BROKER_DATA or ~/.local/share/hoop-broker).")
  Path dataDir;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "The broker's config file: with a store section the store is PostgreSQL; without one,"
              + " the embedded store in the data dir.")
  Path config;

  Path dir() {
    return dataDir == null ? BrokerMain.defaultDataDir() : dataDir;
  }

  /** The PostgreSQL store the config names, or empty for the embedded store of {@link #dir()}. */
  Optional<PostgresConfig> postgres() throws ConfigException {
    return config == null ? Optional.empty() : ConfigLoader.load(config, true).store();
  }

  /** Opens the store for a command that writes to it while the broker may be running. */
  Store open() throws ConfigException {
    Optional<PostgresConfig> pg = postgres();
    try {
      return Store.open(pg, dir());
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot open the store of "
              + dir()
              + " (an embedded store is locked while the broker runs: stop it, or use a"
              + " PostgreSQL store): "
              + e.getMessage(),
          e);
    }
  }
}
