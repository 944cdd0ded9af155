package io.hoop.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.cluster.ClusterChannel.Kind;
import io.hoop.broker.cluster.ClusterChannel.Message;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Messages arrive from anyone who may NOTIFY on the store's database: only the three well-formed
 * shapes are acted on, and acting means reading the store, never trusting the message.
 */
class ClusterChannelTest {
  @Test
  void whatIsSentIsWhatIsRead() {
    for (Kind k : Kind.values()) {
      Message m = new Message(k, "g-0123abcd", "r-a1b2c3d4e5f6");
      assertThat(ClusterChannel.decode(ClusterChannel.encode(m))).contains(m);
    }
  }

  @Test
  void anythingElseIsIgnored() {
    String[] hostile = {
      null,
      "",
      " ",
      "grant",
      "grant g-1",
      "grant g-1 r-1 extra",
      "GRANT g-1 r-1",
      "revoke g-1 r-1",
      "grant  r-1",
      "grant g-1 ",
      "grant g 1 r-1",
      "grant g-1\nr-1",
      "grant g-1 r-1\n",
      "grant ../../etc r-1",
      "grant g-1;drop r-1",
      "grant g-\u00e9 r-1",
      "grant " + "x".repeat(201) + " r-1",
      "hold " + "x".repeat(600),
      "login \u0000 r-1",
    };
    for (String payload : hostile) {
      assertThat(ClusterChannel.decode(payload))
          .as(String.valueOf(payload))
          .isEqualTo(Optional.empty());
    }
  }
}
