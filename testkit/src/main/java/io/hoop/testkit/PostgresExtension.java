package io.hoop.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension that starts one {@link PostgresCluster} per test class and injects it into
 * constructors, lifecycle methods and test methods that declare a {@code PostgresCluster}
 * parameter.
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class ReadOnlyRoleIT {
 *   @Test
 *   void selects(PostgresCluster postgres) {
 *     assertThat(postgres.execSql("select 1")).isEqualTo("1\n");
 *   }
 * }
 * }</pre>
 */
public final class PostgresExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(PostgresExtension.class);
  private static final String KEY = "cluster";

  @Override
  public void beforeAll(ExtensionContext context) {
    clusterFor(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    // Only the class that started a cluster removes it: @Nested classes share their outer's.
    PostgresCluster cluster = context.getStore(NAMESPACE).remove(KEY, PostgresCluster.class);
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == PostgresCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // A method-level registration has no class store to tie the cluster's lifetime to.
    if (context.getTestClass().isEmpty()) {
      throw new ParameterResolutionException(
          "PostgresExtension resolves PostgresCluster only inside a test class, got context "
              + context.getUniqueId());
    }
    return clusterFor(context);
  }

  // Looks up through parent stores, so nested classes and methods see the class's cluster. With
  // a per-class test instance the constructor is resolved before beforeAll, hence the lazy start.
  private static PostgresCluster clusterFor(ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    PostgresCluster existing = store.get(KEY, PostgresCluster.class);
    if (existing != null) {
      return existing;
    }
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    PostgresCluster cluster = PostgresCluster.start();
    classContext.getStore(NAMESPACE).put(KEY, cluster);
    return cluster;
  }
}
