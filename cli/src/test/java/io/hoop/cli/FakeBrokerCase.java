package io.hoop.cli;

import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the command tests that run hoop in-process against one fake HTTPS broker per test class,
 * reset before each test; subclasses set {@link #env} in their own {@code @BeforeEach}.
 */
abstract class FakeBrokerCase {
  @TempDir static Path certDir;
  static FakeBroker broker;

  @TempDir Path tmp;
  Map<String, String> env;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = new FakeBroker(certDir);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void resetBroker() {
    broker.reset();
  }

  /**
   * The default profile under {@code tmp/cfg}, the config dir the subclasses' {@link #env} names.
   */
  ProfileStore store() {
    return new ProfileStore(tmp.resolve("cfg/profiles/default"), "default");
  }

  /** alice logged in to the fake broker, her session good for an hour. */
  void loggedIn() {
    store()
        .saveProfile(new Profile(broker.url(), broker.fingerprint(), null, "https://idp", "cli"));
    store()
        .saveCredentials(
            new Credentials("sess-token", Instant.now().plus(1, ChronoUnit.HOURS), "rt", "alice"));
  }

  CliRunner.Result hoop(String... args) {
    return CliRunner.run(env, args);
  }
}
