package io.hoop.engine.ssh.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.ssh.policy.Action;
import io.hoop.engine.ssh.policy.ExecGuard;
import io.hoop.engine.ssh.policy.SftpGuard;
import io.hoop.engine.ssh.policy.SftpOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SshTargetSectionTest {
  private Path dir;
  private Path key;
  private Path password;

  @BeforeEach
  void files() throws Exception {
    dir = Files.createTempDirectory("hoop-ssh-config");
    key =
        write(
            "id_ed25519",
            "-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n-----END OPENSSH PRIVATE KEY-----\n",
            "rw-------");
    password = write("pw", "s3cret\n", "r--------");
  }

  @AfterEach
  void clean() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private Path write(String name, String content, String mode) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  private Map<String, Object> section(Map<String, Object> roles) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hostKeys", List.of("[web-1]:2222 " + KnownHostsParserTest.ED25519));
    m.put("roles", roles);
    return m;
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private SshTarget parse(Map<String, Object> section) throws SshConfigException {
    return SshTargetSection.parse("targets[2]", "web-1", 2222, section);
  }

  private void assertError(Map<String, Object> section, String message) {
    assertThatThrownBy(() -> parse(section))
        .isInstanceOf(SshConfigException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void parsesAFullSection() throws Exception {
    Map<String, Object> ops =
        map(
            "user", "deploy",
            "privateKeyFile", key.toString(),
            "exec",
                map(
                    "rules",
                    List.of(
                        map("match", "/bin/rm *", "action", "deny", "message", "no deleting"),
                        map("match", "git *", "regex", "push.*--force", "action", "review"))),
            "sftp",
                map(
                    "rules",
                    List.of(
                        map(
                            "op",
                            List.of("write", "remove"),
                            "path",
                            "/etc/**",
                            "action",
                            "deny"))),
            "forwarding", map("local", List.of("db-*.internal:5432")),
            "recordInput", true);
    Map<String, Object> audit =
        map(
            "user",
            "auditor",
            "passwordFile",
            password.toString(),
            "shell",
            "review",
            "exec",
            map("default", "deny", "allow", List.of("ls *", "cat /var/log/*")));
    Map<String, Object> s = section(map("ops", ops, "audit", audit));
    s.put("defaultRole", "audit");
    SshTarget t = parse(s);
    assertThat(t.defaultRole()).isEqualTo("audit");
    assertThat(t.hostKeys()).hasSize(1);
    SshRole o = t.roles().get("ops");
    assertThat(o.user()).isEqualTo("deploy");
    assertThat(o.credential()).isEqualTo(new SshCredential.PrivateKeyFile(key));
    assertThat(o.policy().shell()).isEqualTo(Action.DENY); // guarded exec: shells off unless said
    assertThat(o.policy().recordInput()).isTrue();
    assertThat(ExecGuard.decide("/usr/bin/rm -rf /", o.policy().exec()).rule())
        .isEqualTo("exec.rules[0]");
    assertThat(ExecGuard.decide("git push --force", o.policy().exec()).action())
        .isEqualTo(Action.REVIEW);
    assertThat(
            SftpGuard.decide(
                    SftpOperation.WRITE, "../../etc/passwd", "/home/deploy", o.policy().sftp())
                .action())
        .isEqualTo(Action.DENY);
    assertThat(o.policy().forwarding().allowsLocal("db-1.internal", 5432)).isTrue();
    assertThat(o.policy().forwarding().allowsLocal("db-1.internal", 22)).isFalse();
    SshRole a = t.roles().get("audit");
    assertThat(a.credential()).isInstanceOf(SshCredential.PasswordFile.class);
    assertThat(a.policy().shell()).isEqualTo(Action.REVIEW);
    assertThat(ExecGuard.decide("vim x", a.policy().exec()).action()).isEqualTo(Action.DENY);
    assertThat(a.policy().forwarding().local()).isEmpty();
    assertThat(a.policy().recordInput()).isFalse();
    assertThat(t.pins(t.hostKeys().get(0).blob())).isTrue();
  }

  @Test
  void unguardedRolesGetShellsByDefault() throws Exception {
    SshTarget t =
        parse(section(map("ops", map("user", "deploy", "privateKeyFile", key.toString()))));
    assertThat(t.defaultRole()).isEqualTo("ops");
    assertThat(t.roles().get("ops").policy().shell()).isEqualTo(Action.ALLOW);
  }

  @Test
  void hostKeysAreRequiredAndMustNameTheTarget() {
    Map<String, Object> ok = map("ops", map("user", "u", "privateKeyFile", key.toString()));
    Map<String, Object> none = section(ok);
    none.remove("hostKeys");
    assertError(none, "targets[2].ssh.hostKeys: missing: at least one known_hosts line");
    Map<String, Object> empty = section(ok);
    empty.put("hostKeys", List.of());
    assertError(empty, "targets[2].ssh.hostKeys: missing");
    Map<String, Object> bad = section(ok);
    bad.put(
        "hostKeys", List.of("[web-1]:2222 " + KnownHostsParserTest.ED25519, "web-1 ssh-rsa xx"));
    assertError(bad, "targets[2].ssh.hostKeys[1]: line 2: ");
    Map<String, Object> other = section(ok);
    other.put("hostKeys", List.of("web-2 " + KnownHostsParserTest.ED25519));
    assertError(other, "targets[2].ssh.hostKeys: no line is for the target's address [web-1]:2222");
  }

  @Test
  void credentialsAreCheckedAtLoad() throws Exception {
    assertError(
        section(map("ops", map("user", "u"))),
        "targets[2].ssh.roles.ops: missing: privateKeyFile or passwordFile");
    assertError(
        section(
            map(
                "ops",
                map(
                    "user",
                    "u",
                    "privateKeyFile",
                    key.toString(),
                    "passwordFile",
                    password.toString()))),
        "targets[2].ssh.roles.ops: has both privateKeyFile and passwordFile");
    Path open = write("open", "-----BEGIN OPENSSH PRIVATE KEY-----\n", "rw-r--r--");
    assertError(
        section(map("ops", map("user", "u", "privateKeyFile", open.toString()))),
        "targets[2].ssh.roles.ops.privateKeyFile: " + open + " must be mode 0600 or 0400");
    Path group = write("group", "pw", "rw-r-----");
    assertError(
        section(map("admin", map("user", "u", "passwordFile", group.toString()))),
        "targets[2].ssh.roles.admin.passwordFile: " + group + " must be mode 0600 or 0400");
    Path exec = write("exec", "pw", "rwx------");
    assertError(
        section(map("admin", map("user", "u", "passwordFile", exec.toString()))),
        "targets[2].ssh.roles.admin.passwordFile: " + exec + " must be mode 0600 or 0400");
    assertError(
        section(map("ops", map("user", "u", "privateKeyFile", dir.resolve("missing").toString()))),
        "targets[2].ssh.roles.ops.privateKeyFile: "
            + dir.resolve("missing")
            + " is not a readable file");
    Path notAKey = write("notakey", "hello", "rw-------");
    assertError(
        section(map("ops", map("user", "u", "privateKeyFile", notAKey.toString()))),
        "targets[2].ssh.roles.ops.privateKeyFile: "
            + notAKey
            + " is not an OpenSSH or PEM private key");
    Path twoLines = write("two", "a\nb\n", "rw-------");
    assertError(
        section(map("ops", map("user", "u", "passwordFile", twoLines.toString()))),
        "targets[2].ssh.roles.ops.passwordFile: "
            + twoLines
            + " must hold the password on its only line");
  }

  @Test
  void errorsNameTheKey() {
    String k = key.toString();
    assertError(
        section(map("Ops!", map("user", "u", "privateKeyFile", k))),
        "targets[2].ssh.roles.Ops!: role name");
    assertError(
        section(map("ops", map("privateKeyFile", k))), "targets[2].ssh.roles.ops.user: missing");
    assertError(
        section(map("ops", map("user", "a b", "privateKeyFile", k))),
        "targets[2].ssh.roles.ops.user: 'a b' is not a user name");
    assertError(
        section(map("ops", map("user", "u", "privateKeyFile", k, "shel", "deny"))),
        "targets[2].ssh.roles.ops.shel: unknown key");
    assertError(
        section(map("ops", map("user", "u", "privateKeyFile", k, "shell", "maybe"))),
        "targets[2].ssh.roles.ops.shell: 'maybe' is not an action");
    assertError(
        section(map("ops", map("user", "u", "privateKeyFile", k, "recordInput", "yes"))),
        "targets[2].ssh.roles.ops.recordInput: 'yes' is not true or false");
    assertError(
        section(
            map(
                "ops",
                map(
                    "user",
                    "u",
                    "privateKeyFile",
                    k,
                    "exec",
                    map("rules", List.of(map("action", "deny")))))),
        "targets[2].ssh.roles.ops.exec.rules[0].match: missing");
    assertError(
        section(
            map(
                "ops",
                map(
                    "user",
                    "u",
                    "privateKeyFile",
                    k,
                    "exec",
                    map("rules", List.of(map("match", "rm *", "action", "drop")))))),
        "targets[2].ssh.roles.ops.exec.rules[0].action: 'drop' is not an action");
    assertError(
        section(
            map(
                "ops",
                map(
                    "user",
                    "u",
                    "privateKeyFile",
                    k,
                    "exec",
                    map("rules", List.of(map("regex", "(", "action", "deny")))))),
        "targets[2].ssh.roles.ops.exec.rules[0].regex: '(' is not a regular expression");
    assertError(
        section(map("ops", map("user", "u", "privateKeyFile", k, "exec", map("default", "deny")))),
        "targets[2].ssh.roles.ops.exec.allow: missing");
    assertError(
        section(
            map(
                "ops",
                map(
                    "user",
                    "u",
                    "privateKeyFile",
                    k,
                    "exec",
                    map("default", "review", "allow", List.of("ls"))))),
        "targets[2].ssh.roles.ops.exec.default: 'review' is not an action; expected allow or deny");
    assertError(
        section(
            map(
                "ops",
                map(
                    "user",
                    "u",
                    "privateKeyFile",
                    k,
                    "sftp",
                    map("rules", List.of(map("op", "delete", "path", "/x", "action", "deny")))))),
        "targets[2].ssh.roles.ops.sftp.rules[0].op: 'delete' is not an sftp operation");
    assertError(
        section(
            map(
                "ops",
                map(
                    "user",
                    "u",
                    "privateKeyFile",
                    k,
                    "sftp",
                    map("rules", List.of(map("op", "*", "path", "etc", "action", "deny")))))),
        "targets[2].ssh.roles.ops.sftp.rules[0].path: missing or relative");
    assertError(
        section(
            map(
                "ops",
                map("user", "u", "privateKeyFile", k, "forwarding", map("local", List.of("db"))))),
        "targets[2].ssh.roles.ops.forwarding.local[0]: 'db' is not host:port");
    assertError(
        section(
            map(
                "ops",
                map(
                    "user",
                    "u",
                    "privateKeyFile",
                    k,
                    "forwarding",
                    map("remote", List.of("db:1"))))),
        "targets[2].ssh.roles.ops.forwarding.remote: unknown key");
    assertError(
        section(
            map(
                "a",
                map("user", "u", "privateKeyFile", k),
                "b",
                map("user", "u", "privateKeyFile", k))),
        "targets[2].ssh.defaultRole: missing");
    assertError(section(map()), "targets[2].ssh.roles: missing");
    assertThatThrownBy(() -> SshTargetSection.parse("targets[2]", "web-1", 22, "x"))
        .hasMessage("targets[2].ssh: is a string; expected a map");
    assertThatThrownBy(() -> SshTargetSection.parse("targets[2]", "web-1", 22, null))
        .hasMessageStartingWith("targets[2].ssh: missing");
  }

  @Test
  void errorsNeverShowTheSecret() {
    Path open = dir.resolve("pw");
    assertThatThrownBy(
            () ->
                parse(
                    section(
                        map("ops", map("user", "u", "passwordFile", open.toString(), "shell", 3)))))
        .message()
        .doesNotContain("s3cret");
  }
}
