package io.hoop.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.cli.HoopException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileStoreTest {
  @TempDir Path tmp;

  private final Credentials creds =
      new Credentials(
          "sess-secret", Instant.parse("2030-01-01T00:00:00Z"), "refresh-secret", "alice");

  @Test
  void credentialsAreWrittenWithMode0600InsideA0700Directory() throws Exception {
    ProfileStore store = new ProfileStore(tmp.resolve("cfg/profiles/default"), "default");
    store.saveCredentials(creds);
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(store.credentialsFile())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.dir())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("cfg"))))
        .isEqualTo("rwx------");
    assertThat(store.credentials()).contains(creds);
  }

  @Test
  void rewriteReplacesAtomicallyAndLeavesNoTempFiles() throws Exception {
    ProfileStore store = new ProfileStore(tmp.resolve("p"), "p");
    store.saveCredentials(creds);
    Object before = Files.getAttribute(store.credentialsFile(), "unix:ino");
    Credentials next = new Credentials("sess-2", creds.sessionExpiresAt(), null, "alice");
    store.saveCredentials(next);
    // A new inode means rename-over, not an in-place truncate-and-write.
    assertThat(Files.getAttribute(store.credentialsFile(), "unix:ino")).isNotEqualTo(before);
    assertThat(store.credentials()).contains(next);
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(store.credentialsFile())))
        .isEqualTo("rw-------");
    try (Stream<Path> files = Files.list(store.dir())) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("credentials.json");
    }
  }

  @Test
  void looseExistingDirectoryIsTightened() throws Exception {
    Path dir = tmp.resolve("loose");
    Files.createDirectory(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    new ProfileStore(dir, "loose").saveCredentials(creds);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
  }

  @Test
  void profileRoundTripsAndMissingFilesAreEmpty() {
    ProfileStore store = new ProfileStore(tmp.resolve("p"), "p");
    assertThat(store.profile()).isEmpty();
    assertThat(store.credentials()).isEmpty();
    assertThat(store.deleteCredentials()).isFalse();
    Profile profile =
        new Profile("https://b:8443", "AA:BB", null, "https://b:8443/idp", "hoop-cli");
    store.saveProfile(profile);
    assertThat(store.profile()).contains(profile);
    store.saveCredentials(creds);
    assertThat(store.deleteCredentials()).isTrue();
    assertThat(store.credentials()).isEmpty();
  }

  @Test
  void missingProfileSaysToLogIn() {
    ProfileStore store = new ProfileStore(tmp.resolve("none"), "none");
    assertThatThrownBy(store::requireProfile)
        .isInstanceOf(HoopException.NotLoggedIn.class)
        .hasMessageContaining("run hoop login --broker URL");
  }

  @Test
  void corruptFileNamesItselfAndTheFix() throws Exception {
    ProfileStore store = new ProfileStore(tmp.resolve("p"), "p");
    Files.createDirectories(store.dir());
    Files.writeString(store.credentialsFile(), "{not json");
    assertThatThrownBy(store::credentials)
        .isInstanceOf(HoopException.class)
        .hasMessageContaining(store.credentialsFile().toString())
        .hasMessageContaining("run hoop login again");
  }

  @Test
  void toStringNeverShowsTokens() {
    assertThat(creds.toString()).doesNotContain("secret").contains("alice");
  }
}
