package io.hoop.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WorkerCountTest {
  @Test
  void defaultsToAboutTwoPerCoreAndAtLeastFour() {
    assertThat(BrokerServer.workerCount(null))
        .isEqualTo(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));
  }

  @Test
  void takesAValidProperty() {
    assertThat(BrokerServer.workerCount(" 12 ")).isEqualTo(12);
    assertThat(BrokerServer.workerCount("1")).isEqualTo(1);
  }

  @Test
  void refusesNonsenseNamingTheProperty() {
    for (String bad : new String[] {"", "many", "0", "-3", "1025", "9999999999", "4.5"}) {
      assertThatThrownBy(() -> BrokerServer.workerCount(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("-Dhoop.broker.workers=" + bad)
          .hasMessageContaining("1..1024");
    }
  }
}
