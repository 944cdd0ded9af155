package io.hoop.engine.ssh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hoop.engine.ssh.policy.SftpPath;

/** Fuzzes the gate's sftp request decoder and path resolution: they decide, they never throw. */
class SftpRequestFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void decoderAlwaysDecides(byte[] packet) {
    SftpRequest r = SftpRequest.decode(packet, 0, packet.length);
    assertThat(r).isNotNull();
    if (r instanceof SftpRequest.OnPath o) {
      assertThat(o.op()).isNotNull();
      assertThat(o.path()).isNotNull();
    }
    if (packet.length >= 5 && (packet[0] & 0xff) != 1) {
      assertThat(r).isNotInstanceOf(SftpRequest.Broken.class);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void resolvedPathsAreAbsoluteAndFolded(FuzzedDataProvider data) {
    String cwd = data.consumeBoolean() ? null : "/" + data.consumeString(40);
    String path = data.consumeRemainingAsString();
    SftpPath.Resolved r = SftpPath.resolve(path, cwd);
    if (r.refused()) {
      assertThat(r.refusal()).isNotBlank();
      return;
    }
    assertThat(r.path()).startsWith("/").doesNotContain("//").doesNotContain("\0");
    assertThat(("/" + r.path() + "/").contains("/../")).isFalse();
    assertThat(("/" + r.path() + "/").contains("/./")).isFalse();
  }
}
