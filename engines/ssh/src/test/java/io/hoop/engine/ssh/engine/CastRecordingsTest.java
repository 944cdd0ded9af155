package io.hoop.engine.ssh.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.asciicast.CastEvent;
import io.hoop.asciicast.CastReader;
import io.hoop.asciicast.CastRecording;
import io.hoop.engine.ssh.bridge.BridgeEvent;
import io.hoop.engine.ssh.bridge.BridgeListener;
import io.hoop.engine.ssh.testing.OpenSshServer;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CastRecordingsTest {
  Path dir;

  @BeforeEach
  void dir() throws Exception {
    dir = Files.createTempDirectory("hoop-casts");
  }

  @AfterEach
  void clean() {
    OpenSshServer.deleteTree(dir);
  }

  @Test
  void ptyOutputIsAValidOwnerOnlyCast() throws Exception {
    CastRecordings casts = new CastRecordings(dir.resolve("recordings"));
    String id = "s-0b2c0d3e-1111-2222-3333-444455556666";
    BridgeListener l = casts.listener(id, "web-1 grant g-1 task T-1");
    l.onEvent(new BridgeEvent.ChannelStarted("k", 0, "exec", "ls", false));
    assertThat(casts.file(id)).isEmpty();
    l.onEvent(new BridgeEvent.ChannelStarted("k", 1, "shell", "", true));
    // The pty request's size, as the bridge reports it before any output.
    l.onEvent(new BridgeEvent.Resized("k", 1, 220, 50));
    l.onEvent(
        new BridgeEvent.Output(
            "k", 1, System.nanoTime(), "héllo\r\n".getBytes(StandardCharsets.UTF_8)));
    l.onEvent(new BridgeEvent.Resized("k", 1, 120, 40));
    l.onEvent(new BridgeEvent.Closed("k", "bye"));
    Path file = casts.file(id).orElseThrow();
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (Reader r = Files.newBufferedReader(file)) {
      CastRecording cast = CastReader.read(r);
      assertThat(cast.header().title()).isEqualTo("web-1 grant g-1 task T-1");
      assertThat(cast.header().width()).isEqualTo(220);
      assertThat(cast.header().height()).isEqualTo(50);
      assertThat(cast.events()).extracting(CastEvent::type).containsExactly("o", "r");
      assertThat(cast.events().get(0).data()).isEqualTo("héllo\r\n");
    }
  }

  @Test
  void onlySessionIdsNameFiles() {
    CastRecordings casts = new CastRecordings(dir);
    for (String bad : new String[] {"../etc/passwd", "s-../../x", "x", "s-a/b"}) {
      assertThat(casts.file(bad)).isEmpty();
      assertThatThrownBy(() -> casts.listener(bad, "t"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
