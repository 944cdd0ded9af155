package io.hoop.cli;

import java.nio.file.Path;
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

  CliRunner.Result hoop(String... args) {
    return CliRunner.run(env, args);
  }
}
