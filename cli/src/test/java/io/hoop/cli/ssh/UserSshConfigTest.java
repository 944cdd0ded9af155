package io.hoop.cli.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // blocks held open for the duration of a check
class UserSshConfigTest {
  static final String USER_FILE = "ServerAliveInterval 60\n\nHost bastion\n  User me\n";

  @TempDir Path home;

  private Path config() {
    return home.resolve(".ssh").resolve("config");
  }

  @Test
  void theBlockGoesFirstAndLeavesTheFileAsItWas() throws Exception {
    Files.createDirectories(config().getParent());
    Files.writeString(config(), USER_FILE);
    Files.setPosixFilePermissions(config(), PosixFilePermissions.fromString("rw-r-----"));
    try (UserSshConfig c =
        UserSshConfig.add(config(), "grant g-1 web-1", "Host web-1\n  Port 4\n")) {
      String text = Files.readString(config());
      assertThat(text).startsWith("# >>> hoop run ").endsWith(USER_FILE);
      // The user's leading global options stay global: the block ends with Host *.
      assertThat(text).contains("Host web-1\n  Port 4\nHost *\n# <<< hoop run ");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config())))
          .isEqualTo("rw-r-----");
    }
    assertThat(Files.readString(config())).isEqualTo(USER_FILE);
  }

  @Test
  void aMissingFileIsCreatedPrivate() throws Exception {
    try (UserSshConfig c = UserSshConfig.add(config(), "g", "Host a\n")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config())))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config().getParent())))
          .isEqualTo("rwx------");
    }
    assertThat(Files.readString(config())).isEmpty();
  }

  @Test
  void aSymlinkedConfigIsEditedWhereItLives() throws Exception {
    Path real = home.resolve("dotfiles-ssh-config");
    Files.writeString(real, USER_FILE);
    Files.createDirectories(config().getParent());
    Files.createSymbolicLink(config(), real);
    try (UserSshConfig c = UserSshConfig.add(config(), "g", "Host a\n")) {
      assertThat(Files.isSymbolicLink(config())).isTrue();
      assertThat(Files.readString(real)).contains("Host a\n");
    }
    assertThat(Files.readString(real)).isEqualTo(USER_FILE);
  }

  @Test
  void editsMadeMeanwhileSurviveAndBrokenMarkersAreLeftAlone() throws Exception {
    Files.createDirectories(config().getParent());
    Files.writeString(config(), USER_FILE);
    UserSshConfig c = UserSshConfig.add(config(), "g", "Host a\n");
    Files.writeString(config(), Files.readString(config()) + "Host later\n  User x\n");
    c.close();
    assertThat(Files.readString(config())).isEqualTo(USER_FILE + "Host later\n  User x\n");

    UserSshConfig d = UserSshConfig.add(config(), "g", "Host b\n");
    String edited = Files.readString(config()).replace("# <<< hoop run", "# user removed this");
    Files.writeString(config(), edited);
    d.close();
    assertThat(Files.readString(config())).isEqualTo(edited);
  }

  @Test
  void blocksOfDeadRunsAreRemovedOnTheNextAdd() throws Exception {
    Files.createDirectories(config().getParent());
    long dead = ProcessHandle.current().pid() + 1_000_000_000L;
    Files.writeString(
        config(),
        "# >>> hoop run 00ff pid "
            + dead
            + " grant g-0 (removed when hoop exits)\nHost old\nHost *\n"
            + "# <<< hoop run 00ff\n"
            + USER_FILE);
    try (UserSshConfig c = UserSshConfig.add(config(), "g", "Host a\n")) {
      assertThat(Files.readString(config())).doesNotContain("Host old").endsWith(USER_FILE);
    }
    assertThat(Files.readString(config())).isEqualTo(USER_FILE);
  }

  @Test
  void concurrentRunsNeverLoseEachOthersBlocksOrTheUsersLines() throws Exception {
    Files.createDirectories(config().getParent());
    Files.writeString(config(), USER_FILE);
    int runs = 8;
    CyclicBarrier start = new CyclicBarrier(runs);
    ExecutorService pool = Executors.newFixedThreadPool(runs);
    try {
      List<Future<UserSshConfig>> added = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        int n = i;
        added.add(
            pool.submit(
                () -> {
                  start.await();
                  return UserSshConfig.add(config(), "g-" + n, "Host t" + n + "\n");
                }));
      }
      List<UserSshConfig> blocks = new ArrayList<>();
      for (Future<UserSshConfig> f : added) {
        blocks.add(f.get());
      }
      String all = Files.readString(config());
      for (int i = 0; i < runs; i++) {
        assertThat(all).contains("Host t" + i + "\n");
      }
      List<Future<?>> removed = new ArrayList<>();
      for (UserSshConfig b : blocks) {
        removed.add(pool.submit(b::close));
      }
      for (Future<?> f : removed) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(Files.readString(config())).isEqualTo(USER_FILE);
    try (var list = Files.list(config().getParent())) {
      assertThat(list.map(p -> p.getFileName().toString()))
          .containsOnly("config", ".hoop-ssh-config.lock");
    }
  }
}
