package io.hoop.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.identity.DpopKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file and the login-source part of credentials: stored privately, deleted together. */
class ProfileLoginStoreTest {
  @TempDir Path tmp;

  @Test
  void keyIsStoredOwnerOnlyAndReadBack() throws Exception {
    ProfileStore store = new ProfileStore(tmp.resolve("p"), "p");
    assertThat(store.key()).isEmpty();
    DpopKey key = DpopKey.generate();
    store.saveKey(key);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.keyFile())))
        .isEqualTo("rw-------");
    assertThat(store.key()).get().extracting(DpopKey::thumbprint).isEqualTo(key.thumbprint());
  }

  @Test
  void credentialsKeepTheirSourceAndBinding() {
    ProfileStore store = new ProfileStore(tmp.resolve("p"), "p");
    Credentials c =
        new Credentials(
            "sess",
            Instant.parse("2026-11-22T10:00:00Z"),
            null,
            "ci-bot",
            "jkt-123",
            new LoginSource(
                LoginSource.CLIENT_CREDENTIALS, "ci-bot", "/run/secret", null, null, null));
    store.saveCredentials(c);
    assertThat(store.credentials()).contains(c);
    assertThat(store.credentials().orElseThrow().loginMethod()).isEqualTo("client-credentials");
    assertThat(c.toString()).doesNotContain("sess\"").contains("sessionToken=<redacted>");
  }

  @Test
  void deleteLoginRemovesCredentialsAndKeyButKeepsTheProfile() {
    ProfileStore store = new ProfileStore(tmp.resolve("p"), "p");
    store.saveProfile(new Profile("https://b:8443", "AA", null, null, null));
    store.saveKey(DpopKey.generate());
    store.saveCredentials(new Credentials("s", null, null, "alice"));
    assertThat(store.deleteLogin()).isTrue();
    assertThat(store.credentials()).isEmpty();
    assertThat(store.key()).isEmpty();
    assertThat(store.profile()).isPresent();
    assertThat(store.deleteLogin()).isFalse();
  }

  @Test
  void profilesAreListedAndLoginHintsNameTheProfile() {
    CliEnvironment env = CliEnvironment.of(Map.of("HOOP_CONFIG_DIR", tmp.toString()));
    assertThat(ConfigDirs.profileNames(env)).isEmpty();
    for (String name : new String[] {"staging", "default"}) {
      new ProfileStore(ConfigDirs.profileDir(env, name), name, env)
          .saveProfile(new Profile("https://" + name + ":8443", null, null, null, null));
    }
    assertThat(ConfigDirs.profileNames(env)).containsExactly("default", "staging");
    assertThat(new ProfileStore(tmp, "default").loginCommand()).isEqualTo("hoop login");
    assertThat(new ProfileStore(tmp, "staging").loginCommand())
        .isEqualTo("hoop login --profile staging");
  }
}
