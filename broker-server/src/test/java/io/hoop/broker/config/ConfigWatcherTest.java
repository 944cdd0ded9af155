package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloads against real files and the real WatchService. */
class ConfigWatcherTest {
  @TempDir Path dir;

  final List<String> reloaded = new CopyOnWriteArrayList<>();
  final List<String> rejected = new CopyOnWriteArrayList<>();
  final List<String> applied = new CopyOnWriteArrayList<>();
  volatile boolean failApply;

  private final ConfigWatcher.Listener listener =
      new ConfigWatcher.Listener() {
        @Override
        public void apply(BrokerConfig previous, BrokerConfig next) {
          if (failApply) {
            throw new IllegalStateException("store down");
          }
          applied.add(next.targets().size() + "");
        }

        @Override
        public void reloaded(BrokerConfig previous, BrokerConfig current, String trigger) {
          reloaded.add(trigger);
        }

        @Override
        public void rejected(String message, String trigger) {
          rejected.add(message);
        }
      };

  private static String targets(String... names) {
    StringBuilder sb = new StringBuilder("listen: 127.0.0.1:0\ntargets:\n");
    for (String n : names) {
      sb.append("  - name: ").append(n).append("\n    type: tcp\n    address: 127.0.0.1:1\n");
    }
    return sb.toString();
  }

  private ConfigWatcher start(Path file) throws Exception {
    return ConfigWatcher.start(ConfigLoader.load(file, true), file, true, listener);
  }

  @Test
  void aChangedFileIsSwappedInAndAnInvalidOneIsRejectedNamingTheKey() throws Exception {
    Path file = Files.writeString(dir.resolve("broker.yaml"), targets("a"));
    try (ConfigWatcher w = start(file)) {
      assertThat(w.get().targets()).hasSize(1);
      Files.writeString(file, targets("a", "b"));
      await().atMost(Duration.ofSeconds(10)).until(() -> reloaded.size() == 1);
      assertThat(w.get().targets()).hasSize(2);
      assertThat(reloaded).containsExactly("file change");
      assertThat(applied).containsExactly("2");

      Files.writeString(file, targets("a", "b") + "  - name: c\n    type: ftp\n    address: h:1\n");
      await().atMost(Duration.ofSeconds(10)).until(() -> !rejected.isEmpty());
      assertThat(rejected.get(0)).contains("targets[2].type: 'ftp' is not a target type");
      assertThat(w.get().targets()).extracting(TargetConfig::name).containsExactly("a", "b");
    }
  }

  @Test
  void aFileReplacedByRenameIsPickedUp() throws Exception {
    Path file = Files.writeString(dir.resolve("broker.yaml"), targets("a"));
    try (ConfigWatcher w = start(file)) {
      Path tmp = Files.writeString(dir.resolve("broker.yaml.tmp"), targets("x", "y", "z"));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      await().atMost(Duration.ofSeconds(10)).until(() -> w.get().targets().size() == 3);
    }
  }

  @Test
  void burstsOfWritesReloadOnceAndUnchangedBytesDoNotReload() throws Exception {
    Path file = Files.writeString(dir.resolve("broker.yaml"), targets("a"));
    try (ConfigWatcher w = start(file)) {
      for (int i = 0; i < 5; i++) {
        Files.writeString(file, targets("a", "b"));
        Thread.sleep(50);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> reloaded.size() == 1);
      Thread.sleep(1200);
      assertThat(reloaded).hasSize(1);
      // Touching the file without changing it is not a reload.
      Files.writeString(file, targets("a", "b"));
      Thread.sleep(1200);
      assertThat(reloaded).hasSize(1);
      // An explicit reload (SIGHUP) always reloads.
      assertThat(w.reload("SIGHUP", true)).isTrue();
      assertThat(reloaded).containsExactly("file change", "SIGHUP");
    }
  }

  @Test
  void aFailureApplyingTheNewConfigKeepsTheOldOne() throws Exception {
    Path file = Files.writeString(dir.resolve("broker.yaml"), targets("a"));
    try (ConfigWatcher w = start(file)) {
      failApply = true;
      Files.writeString(file, targets("a", "b"));
      assertThat(w.reload("test", true)).isFalse();
      assertThat(rejected).containsExactly("store down");
      assertThat(w.get().targets()).hasSize(1);
    }
  }

  @Test
  void sighupReloadsEvenUnchangedBytes() throws Exception {
    Path file = Files.writeString(dir.resolve("broker.yaml"), targets("a"));
    try (ConfigWatcher w = start(file)) {
      // Only signal ourselves once our handler is in place; otherwise HUP would end the JVM.
      assertThat(w.reloadOnSighup()).isTrue();
      Process kill =
          new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
              .inheritIO()
              .start();
      assertThat(kill.waitFor()).isZero();
      await().atMost(Duration.ofSeconds(10)).until(() -> reloaded.contains("SIGHUP"));
      assertThat(w.get().targets()).hasSize(1);
    }
  }

  @Test
  void withoutAFileItOnlyHoldsTheConfig() throws Exception {
    BrokerConfig c = ConfigLoader.parse("built-in", targets("a"), true);
    try (ConfigWatcher w = ConfigWatcher.start(c, null, true, listener)) {
      assertThat(w.get()).isSameAs(c);
      assertThat(w.reload("SIGHUP", true)).isFalse();
      assertThat(w.reloadOnSighup()).isFalse();
    }
  }
}
