package io.hoop.engine.ssh.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.ssh.bridge.BridgeListener;
import io.hoop.engine.ssh.bridge.BridgePolicy;
import io.hoop.engine.ssh.bridge.TargetCredential;
import io.hoop.engine.ssh.bridge.Verdict;
import io.hoop.engine.ssh.config.SshTarget;
import io.hoop.engine.ssh.config.SshTargetSection;
import io.hoop.engine.ssh.testing.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The admission of an ssh tunnel: the handshake's key, the role, its credential and guardrails. */
class SshAdmissionsTest {
  static Path dir;
  static String userKeyLine;
  static String hostKeyLine;
  static SshTarget target;

  @BeforeAll
  static void keys() throws Exception {
    dir = Files.createTempDirectory("hoop-ssh-admissions");
    OpenSshServer.keygen(dir.resolve("user"), "ed25519");
    OpenSshServer.keygen(dir.resolve("host"), "ed25519");
    OpenSshServer.keygen(dir.resolve("cred"), "ed25519");
    userKeyLine = Files.readString(dir.resolve("user.pub")).strip();
    hostKeyLine = Files.readString(dir.resolve("host.pub")).strip();
    Map<String, Object> ops = new LinkedHashMap<>();
    ops.put("user", "deploy");
    ops.put("privateKeyFile", dir.resolve("cred").toString());
    ops.put("shell", "review");
    ops.put(
        "exec",
        Map.of(
            "rules",
            List.of(
                Map.of("match", "rm *", "action", "deny"),
                Map.of("match", "systemctl *", "action", "review"))));
    ops.put(
        "sftp",
        Map.of("rules", List.of(Map.of("op", "write", "path", "/etc/**", "action", "deny"))));
    ops.put("forwarding", Map.of("local", List.of("db-*.internal:5432")));
    Map<String, Object> free = new LinkedHashMap<>();
    free.put("user", "admin");
    free.put("privateKeyFile", dir.resolve("cred").toString());
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("hostKeys", List.of("[web-1]:2222 " + hostKeyLine));
    section.put("roles", Map.of("ops", ops, "free", free));
    section.put("defaultRole", "ops");
    target = SshTargetSection.parse("targets[0]", "web-1", 2222, section);
  }

  @AfterAll
  static void clean() {
    OpenSshServer.deleteTree(dir);
  }

  private static SshSettings settings(String role, String key) throws SshAdmissionException {
    return SshAdmissions.settings(
        "web-1", "127.0.0.1", 2222, target, role, key, BridgeListener.ignore());
  }

  @Test
  void theDefaultRoleLogsInWithItsCredentialAndThePinnedKeys() throws Exception {
    SshSettings s = settings(null, userKeyLine);
    assertThat(s.admission().targetUser()).isEqualTo("deploy");
    assertThat(s.admission().credential()).isInstanceOf(TargetCredential.Key.class);
    assertThat(s.admission().credential().toString()).doesNotContain("PRIVATE");
    assertThat(s.admission().pinnedHostKeys()).hasSize(1);
    assertThat(settings("free", userKeyLine).admission().targetUser()).isEqualTo("admin");
  }

  @Test
  void aHandshakeWithoutAKeyIsRefused() {
    for (String missing : new String[] {null, "", "   "}) {
      assertThatThrownBy(() -> settings(null, missing))
          .isInstanceOf(SshAdmissionException.class)
          .satisfies(
              e -> assertThat(((SshAdmissionException) e).code()).isEqualTo("ssh_key_missing"));
    }
  }

  @Test
  void malformedKeysAreRefusedWithoutEchoingThem() {
    String body = userKeyLine.split(" ")[1];
    List<String> bad =
        List.of(
            "ssh-ed25519",
            "ssh-ed25519 !!!!",
            "ssh-ed25519 " + body.substring(0, body.length() - 8),
            "ssh-rsa " + body,
            "command=\"id\" " + userKeyLine,
            userKeyLine + "\n" + userKeyLine,
            "ssh-ed25519 " + "A".repeat(SshAdmissions.MAX_KEY_LINE),
            "not a key at all");
    for (String line : bad) {
      assertThatThrownBy(() -> settings(null, line))
          .as(line)
          .isInstanceOf(SshAdmissionException.class)
          .satisfies(
              e -> {
                assertThat(((SshAdmissionException) e).code()).isEqualTo("ssh_key_malformed");
                assertThat(e.getMessage()).doesNotContain(body);
              });
    }
  }

  @Test
  void anUnknownRoleIsRefused() {
    assertThatThrownBy(() -> settings("root", userKeyLine))
        .isInstanceOf(SshAdmissionException.class)
        .hasMessageContaining("[free, ops]");
  }

  @Test
  void anUnreadableCredentialIsRefusedWithoutItsContent() throws Exception {
    Path cred = dir.resolve("cred");
    String content = Files.readString(cred);
    Files.writeString(
        cred, "-----BEGIN OPENSSH PRIVATE KEY-----\nbroken\n-----END OPENSSH PRIVATE KEY-----\n");
    try {
      assertThatThrownBy(() -> settings(null, userKeyLine))
          .isInstanceOf(SshAdmissionException.class)
          .satisfies(
              e -> {
                assertThat(((SshAdmissionException) e).code())
                    .isEqualTo("target_credential_unreadable");
                assertThat(e.getMessage()).doesNotContain("broken");
              });
    } finally {
      Files.writeString(cred, content);
    }
  }

  @Test
  void guardrailsBecomeBridgeHooksAndExecReviewHolds() throws Exception {
    BridgePolicy p = settings(null, userKeyLine).admission().policy();
    assertThat(p.exec().check("ls -l").allowed()).isTrue();
    assertThat(p.exec().check("rm -rf /").allowed()).isFalse();
    assertThat(p.exec().check("true && /bin/rm x").allowed()).isFalse();
    assertThat(p.exec().check("echo $(rm x)").allowed()).isFalse();
    assertThat(p.exec().check("systemctl restart web").outcome()).isEqualTo(Verdict.Outcome.REVIEW);
    assertThat(p.exec().check("systemctl restart web").rule()).startsWith("exec.rules[");
    assertThat(p.shell().check().allowed()).isFalse();
    assertThat(p.sftp().subsystem().allowed()).isTrue();
    assertThat(p.sftp().checksOperations()).isTrue();
    assertThat(p.directTcpip().check("db-1.internal", 5432).allowed()).isTrue();
    assertThat(p.directTcpip().check("db-1.internal", 22).allowed()).isFalse();
    assertThat(p.directTcpip().check("169.254.169.254", 80).allowed()).isFalse();

    BridgePolicy free = settings("free", userKeyLine).admission().policy();
    assertThat(free.shell().check().allowed()).isTrue();
    assertThat(free.sftp().subsystem().allowed()).isTrue();
    assertThat(free.sftp().checksOperations()).isFalse();
    assertThat(free.exec().check("echo $(id)").allowed()).isTrue();
    assertThat(free.directTcpip().check("db-1.internal", 5432).allowed()).isFalse();
  }
}
