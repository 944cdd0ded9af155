package io.hoop.testkit;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an in-process dev broker once per test class. Register it as a static field with
 * {@code @RegisterExtension}; the config supplier runs at start, so it can use ports of fixtures
 * registered before it (e.g. a {@link PostgresExtension}).
 */
public final class BrokerExtension implements BeforeAllCallback, AfterAllCallback {
  private final Supplier<String> yaml;
  private BrokerFixture broker;

  private BrokerExtension(Supplier<String> yaml) {
    this.yaml = yaml;
  }

  public static BrokerExtension withConfig(Supplier<String> yaml) {
    return new BrokerExtension(yaml);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    broker = BrokerFixture.start(yaml.get());
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  public BrokerFixture broker() {
    if (broker == null) {
      throw new IllegalStateException("the broker starts in beforeAll; use it from tests only");
    }
    return broker;
  }
}
