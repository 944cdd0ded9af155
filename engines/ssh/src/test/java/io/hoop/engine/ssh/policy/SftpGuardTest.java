package io.hoop.engine.ssh.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SftpGuardTest {
  static final String HOME = "/home/deploy";
  static final SftpPolicy POLICY =
      new SftpPolicy(
          List.of(
              new SftpRule(
                  "sftp.rules[0]",
                  EnumSet.of(
                      SftpOperation.WRITE,
                      SftpOperation.REMOVE,
                      SftpOperation.RENAME,
                      SftpOperation.SETSTAT,
                      SftpOperation.SYMLINK,
                      SftpOperation.MKDIR,
                      SftpOperation.RMDIR),
                  Glob.path("/etc/**"),
                  Action.DENY,
                  "config is read-only"),
              new SftpRule(
                  "sftp.rules[1]",
                  Set.of(SftpOperation.READ),
                  Glob.path("/etc/shadow"),
                  Action.DENY,
                  null),
              new SftpRule(
                  "sftp.rules[2]",
                  Set.of(SftpOperation.WRITE),
                  Glob.path("/srv/app/*.jar"),
                  Action.REVIEW,
                  null)),
          Action.ALLOW);

  @ParameterizedTest
  @CsvSource({
    "/etc/passwd, /etc/passwd",
    "/etc//passwd, /etc/passwd",
    "/etc/./passwd, /etc/passwd",
    "/etc/x/../passwd, /etc/passwd",
    "/etc/, /etc",
    "'', /home/deploy",
    "., /home/deploy",
    "a/b/, /home/deploy/a/b",
    "../../../../etc/passwd, /etc/passwd",
    "/../../etc, /etc",
    "//, /",
  })
  void normalizes(String path, String expected) {
    assertThat(SftpGuard.normalize(path, HOME)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/etc/passwd",
        "/etc//passwd",
        "/etc/./ssh/sshd_config",
        "/etc/x/../passwd",
        "../../etc/passwd",
        "/home/../etc/hosts",
        "/../etc/cron.d/x",
        "/etc/",
      })
  void writesUnderEtcAreDeniedHoweverSpelled(String path) {
    Decision d = SftpGuard.decide(SftpOperation.WRITE, path, HOME, POLICY);
    assertThat(d.action()).as(path).isEqualTo(Action.DENY);
    assertThat(d.rule()).isEqualTo("sftp.rules[0]");
    assertThat(d.message()).startsWith("denied: config is read-only").contains("'/etc/**'");
  }

  @Test
  void operationsAndPathsSelectTheRule() {
    assertThat(SftpGuard.decide(SftpOperation.READ, "/etc/passwd", HOME, POLICY).action())
        .isEqualTo(Action.ALLOW);
    assertThat(SftpGuard.decide(SftpOperation.READ, "/etc/../etc/shadow", HOME, POLICY).rule())
        .isEqualTo("sftp.rules[1]");
    assertThat(SftpGuard.decide(SftpOperation.LIST, "/etc", HOME, POLICY).action())
        .isEqualTo(Action.ALLOW);
    assertThat(SftpGuard.decide(SftpOperation.WRITE, "/srv/app/a.jar", HOME, POLICY).action())
        .isEqualTo(Action.REVIEW);
    // '*' stays within one segment
    assertThat(SftpGuard.decide(SftpOperation.WRITE, "/srv/app/lib/a.jar", HOME, POLICY).action())
        .isEqualTo(Action.ALLOW);
    assertThat(SftpGuard.decide(SftpOperation.WRITE, "notes.txt", HOME, POLICY).action())
        .isEqualTo(Action.ALLOW);
  }

  @Test
  void twoPathOperationsCheckBothPaths() {
    assertThat(
            SftpGuard.decide(SftpOperation.RENAME, "/tmp/x", "/etc/passwd", HOME, POLICY).action())
        .isEqualTo(Action.DENY);
    assertThat(
            SftpGuard.decide(SftpOperation.RENAME, "/etc/passwd", "/tmp/x", HOME, POLICY).action())
        .isEqualTo(Action.DENY);
    // a link in home pointing into /etc: the target path is checked too
    assertThat(
            SftpGuard.decide(SftpOperation.SYMLINK, "link", "/etc/passwd", HOME, POLICY).action())
        .isEqualTo(Action.DENY);
    assertThat(SftpGuard.decide(SftpOperation.RENAME, "/tmp/a", "/tmp/b", HOME, POLICY).action())
        .isEqualTo(Action.ALLOW);
  }

  @Test
  void nulAndOverlongPathsAreRefused() {
    assertThat(SftpGuard.decide(SftpOperation.READ, "/tmp/x\0/etc/shadow", HOME, POLICY).rule())
        .isEqualTo("sftp.unparseable");
    assertThat(SftpGuard.decide(SftpOperation.READ, "/" + "a".repeat(5000), HOME, POLICY).rule())
        .isEqualTo("sftp.unparseable");
  }

  @Test
  void allowListMode() {
    SftpPolicy p =
        new SftpPolicy(
            List.of(
                new SftpRule(
                    "sftp.rules[0]",
                    EnumSet.allOf(SftpOperation.class),
                    Glob.path("/srv/uploads/**"),
                    Action.ALLOW,
                    null)),
            Action.DENY);
    assertThat(SftpGuard.decide(SftpOperation.WRITE, "/srv/uploads/a/b.txt", HOME, p).action())
        .isEqualTo(Action.ALLOW);
    assertThat(SftpGuard.decide(SftpOperation.WRITE, "/srv/uploads/../x", HOME, p).action())
        .isEqualTo(Action.DENY);
    Decision d = SftpGuard.decide(SftpOperation.READ, "/etc/hosts", HOME, p);
    assertThat(d.rule()).isEqualTo("sftp.default");
    assertThat(d.message()).isEqualTo("denied: read /etc/hosts is not in the allow list");
    assertThat(
            SftpGuard.decide(SftpOperation.READ, "/etc/hosts", HOME, SftpPolicy.allowAll())
                .allowed())
        .isTrue();
  }

  @Test
  void shellDecisionsArePerRole() {
    assertThat(ShellGuard.decide(Action.ALLOW).allowed()).isTrue();
    assertThat(ShellGuard.decide(Action.DENY).message()).contains("not allowed for this role");
    assertThat(ShellGuard.decide(Action.REVIEW).action()).isEqualTo(Action.REVIEW);
  }
}
