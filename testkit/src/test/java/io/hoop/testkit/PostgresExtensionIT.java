package io.hoop.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

class PostgresExtensionIT {

  /** Clusters seen by the sample class, in test order; read after the engine run. */
  static final List<PostgresCluster> SEEN = new ArrayList<>();

  @Test
  void startsOneClusterPerClassSharesItAndStopsItAfterwards() {
    SEEN.clear();
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(Sample.class))
        .execute()
        .testEvents()
        .assertStatistics(stats -> stats.started(3).succeeded(3));

    assertThat(SEEN).hasSize(3);
    assertThat(SEEN.get(1)).isSameAs(SEEN.get(0));
    assertThat(SEEN.get(2)).as("nested class shares the outer cluster").isSameAs(SEEN.get(0));
    Path dir = SEEN.get(0).directory();
    assertThat(dir).doesNotExist();
  }

  @ExtendWith(PostgresExtension.class)
  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class Sample {
    private final PostgresCluster fromConstructor;

    Sample(PostgresCluster postgres) {
      this.fromConstructor = postgres;
    }

    @Test
    @Order(1)
    void createsTable(PostgresCluster postgres) {
      assertThat(postgres).isSameAs(fromConstructor);
      postgres.execSql("create table shared(id int)");
      SEEN.add(postgres);
    }

    @Test
    @Order(2)
    void seesTableFromEarlierTest(PostgresCluster postgres) {
      assertThat(postgres.execSql("select count(*) from shared")).isEqualTo("0\n");
      SEEN.add(postgres);
    }

    @Nested
    class Inner {
      @Test
      void seesOuterCluster(PostgresCluster postgres) {
        assertThat(postgres.execSql("select count(*) from shared")).isEqualTo("0\n");
        SEEN.add(postgres);
      }
    }
  }
}
