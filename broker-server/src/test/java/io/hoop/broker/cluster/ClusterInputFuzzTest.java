package io.hoop.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.Base64;

/**
 * What another party on the store's database controls: NOTIFY payloads on the cluster channel and
 * the sealed rows of {@code broker_keys}. Each is refused or read, nothing else.
 */
class ClusterInputFuzzTest {
  private static final StoreKey KEY = StoreKey.of(new byte[32]);

  @FuzzTest(maxDuration = "10s")
  void channelMessagesAreReadOrIgnored(FuzzedDataProvider data) {
    String payload = data.consumeRemainingAsString();
    ClusterChannel.decode(payload)
        .ifPresent(
            m -> {
              assertThat(ClusterChannel.encode(m)).isEqualTo(payload);
              assertThat(m.id()).matches("[A-Za-z0-9._:@+=-]{1,200}");
            });
  }

  @FuzzTest(maxDuration = "10s")
  void sealedRowsOpenOnlyAsSealed(FuzzedDataProvider data) {
    boolean asBase64 = data.consumeBoolean();
    String name = data.consumeString(40);
    byte[] raw = data.consumeRemainingAsBytes();
    String sealed = asBase64 ? Base64.getEncoder().encodeToString(raw) : new String(raw);
    try {
      KEY.open(name, sealed);
      throw new AssertionError("a row nobody sealed opened");
    } catch (IOException e) {
      assertThat(e.getMessage()).startsWith("the store's copy of ");
    }
  }
}
