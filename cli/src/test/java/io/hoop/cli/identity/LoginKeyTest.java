package io.hoop.cli.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profile's session never moves to another key than the one its login made, and a key others
 * could read is not used at all.
 */
class LoginKeyTest {
  @TempDir Path dir;

  ProfileStore store() {
    return new ProfileStore(dir.resolve("p"), "p");
  }

  @Test
  void aKeyOthersMayReadOrWriteIsRefused() throws Exception {
    ProfileStore store = store();
    DpopKey key = DpopKey.generate();
    store.saveKey(key);
    for (String mode : List.of("rw-r-----", "rw----r--", "rw--w----", "rw-rw-rw-", "rwx------")) {
      Files.setPosixFilePermissions(store.keyFile(), PosixFilePermissions.fromString(mode));
      assertThatThrownBy(store::key)
          .as(mode)
          .isInstanceOf(HoopException.NotLoggedIn.class)
          .hasMessageContaining("has mode " + mode)
          .hasMessageContaining("hoop login");
    }
    for (String mode : List.of("rw-------", "r--------")) {
      Files.setPosixFilePermissions(store.keyFile(), PosixFilePermissions.fromString(mode));
      assertThat(store.key()).get().extracting(DpopKey::thumbprint).isEqualTo(key.thumbprint());
    }
  }

  @Test
  void renewalRefusesAKeySwappedInOrRemovedSinceLogin() {
    ProfileStore store = store();
    DpopKey login = DpopKey.generate();
    DpopKey swapped = DpopKey.generate();
    // The broker is never reached: the check comes first.
    Renewer renewer =
        new Renewer(
            store,
            new Profile("https://127.0.0.1:1", "AA", null, "https://127.0.0.1:1/dev-idp", "c"),
            BrokerTls.pinned("AB:".repeat(31) + "AB"),
            Clock.systemUTC());
    Credentials old =
        new Credentials(
            "s", Instant.now(), "refresh", "alice", null, LoginSource.device(), login.thumbprint());

    store.saveKey(swapped);
    for (DpopKey presented : List.of(login, swapped)) {
      assertThatThrownBy(() -> renewer.renew(old, presented))
          .isInstanceOf(HoopException.NotLoggedIn.class)
          .hasMessageContaining("another key than " + store.keyFile())
          .hasMessageContaining("hoop login --profile p");
    }
    store.deleteLogin();
    assertThatThrownBy(() -> renewer.renew(old, login))
        .isInstanceOf(HoopException.NotLoggedIn.class)
        .hasMessageContaining("another key");
  }
}
