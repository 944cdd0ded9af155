package io.hoop.cli.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hoop.api.Json;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import io.hoop.cli.identity.DpopKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes one profile's {@code profile.json}, {@code credentials.json} and {@code
 * dpop.jwk}.
 *
 * <p>Files are written to a temp file created with mode 0600 and renamed over the old one, so a
 * token is never readable by others, not even for an instant, and a crash never leaves half a file.
 */
public final class ProfileStore {
  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

  private final Path dir;
  private final String name;
  private final CliEnvironment environment;

  public ProfileStore(Path dir, String name) {
    this(dir, name, CliEnvironment.of(java.util.Map.of()));
  }

  /**
   * @param environment the variables of this run: {@code HOOP_TOKEN} and friends replace the stored
   *     login, federated token variables are read when a session is renewed
   */
  public ProfileStore(Path dir, String name, CliEnvironment environment) {
    this.dir = Objects.requireNonNull(dir, "dir");
    this.name = Objects.requireNonNull(name, "name");
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** The environment this store was opened in. */
  public CliEnvironment environment() {
    return environment;
  }

  /** Whether this is the default profile, so messages need no {@code --profile}. */
  public boolean isDefault() {
    return ConfigDirs.DEFAULT_PROFILE.equals(name);
  }

  /** {@code hoop login} plus {@code --profile NAME} when this is not the default profile. */
  public String loginCommand() {
    return isDefault() ? "hoop login" : "hoop login --profile " + name;
  }

  public Path dir() {
    return dir;
  }

  public String name() {
    return name;
  }

  public Path profileFile() {
    return dir.resolve("profile.json");
  }

  public Path credentialsFile() {
    return dir.resolve("credentials.json");
  }

  /** The private key the profile's session is bound to (JWK, mode 0600). */
  public Path keyFile() {
    return dir.resolve("dpop.jwk");
  }

  /**
   * The stored key pair, if a login created one.
   *
   * @throws HoopException.NotLoggedIn when others than its owner may read or write it (a key others
   *     could read proves nothing), or when it is no usable key
   */
  public Optional<DpopKey> key() {
    String json;
    try {
      json = Files.readString(keyFile(), StandardCharsets.UTF_8);
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(keyFile());
      if (!FILE_MODE.containsAll(mode)) {
        throw new HoopException.NotLoggedIn(
            "the key "
                + keyFile()
                + " has mode "
                + PosixFilePermissions.toString(mode)
                + "; others may have read it, so it is not used: run "
                + loginCommand()
                + " for a new key (hoop writes it with mode 600)");
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (UnsupportedOperationException e) {
      throw new HoopException.NotLoggedIn(
          "cannot check the permissions of " + keyFile() + " (not a POSIX file system)");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + keyFile(), e);
    }
    try {
      return Optional.of(DpopKey.parse(json));
    } catch (IllegalArgumentException e) {
      throw new HoopException.NotLoggedIn(
          "cannot use the key in "
              + keyFile()
              + " ("
              + e.getMessage()
              + "); run "
              + loginCommand());
    }
  }

  public void saveKey(DpopKey key) {
    writeAtomically(keyFile(), key.toPrivateJson().getBytes(StandardCharsets.UTF_8));
  }

  /** The stored profile, if {@code hoop login} ran for it. */
  public Optional<Profile> profile() {
    return read(profileFile(), Profile.class);
  }

  /** The stored profile, or a "run hoop login" error. */
  public Profile requireProfile() {
    return profile()
        .orElseThrow(
            () ->
                new HoopException.NotLoggedIn(
                    "profile '"
                        + name
                        + "' has no broker configured; run hoop login --broker URL"));
  }

  public Optional<Credentials> credentials() {
    return read(credentialsFile(), Credentials.class);
  }

  public void saveProfile(Profile profile) {
    writeAtomically(profileFile(), toJson(profile));
  }

  /** Saves a new or renewed session; a recorded renewal failure no longer applies. */
  public void saveCredentials(Credentials credentials) {
    writeAtomically(credentialsFile(), toJson(credentials));
    clearRenewalFailure();
  }

  /**
   * {@code issuer-ca.pem}: the private CA of the identity provider, as the broker's auth config
   * gave it at login ({@code identity.caFile}); renewals trust it besides the JVM's defaults.
   */
  public Path issuerCaFile() {
    return dir.resolve("issuer-ca.pem");
  }

  /** The identity provider's private CA (PEM), if the broker named one at login. */
  public Optional<String> issuerCa() {
    try {
      return Optional.of(Files.readString(issuerCaFile(), StandardCharsets.US_ASCII));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + issuerCaFile(), e);
    }
  }

  /** Stores the identity provider's private CA, or deletes it when {@code pem} is null. */
  public void saveIssuerCa(String pem) {
    if (pem != null) {
      writeAtomically(issuerCaFile(), pem.getBytes(StandardCharsets.US_ASCII));
      return;
    }
    try {
      Files.deleteIfExists(issuerCaFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + issuerCaFile(), e);
    }
  }

  /** {@code renewal.json}: the last failed renewal, deleted when a renewal or login succeeds. */
  public Path renewalFile() {
    return dir.resolve("renewal.json");
  }

  /** The last failed renewal, if the session has not been renewed since. */
  public Optional<RenewalFailure> renewalFailure() {
    try {
      return read(renewalFile(), RenewalFailure.class);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  public void saveRenewalFailure(RenewalFailure failure) {
    writeAtomically(renewalFile(), toJson(failure));
  }

  public void clearRenewalFailure() {
    try {
      Files.deleteIfExists(renewalFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + renewalFile(), e);
    }
  }

  /** Deletes the credentials; returns whether there were any. */
  public boolean deleteCredentials() {
    try {
      return Files.deleteIfExists(credentialsFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + credentialsFile(), e);
    }
  }

  /** Deletes credentials and key; returns whether there were credentials. */
  public boolean deleteLogin() {
    boolean had = deleteCredentials();
    clearRenewalFailure();
    try {
      Files.deleteIfExists(keyFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + keyFile(), e);
    }
    return had;
  }

  private <T> Optional<T> read(Path file, Class<T> type) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    try {
      return Optional.of(Json.mapper().readValue(bytes, type));
    } catch (IOException e) {
      throw new HoopException(
          "cannot parse "
              + file
              + " as JSON "
              + type.getSimpleName()
              + "; delete it and run hoop login again");
    }
  }

  private static byte[] toJson(Object value) {
    try {
      return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  private void writeAtomically(Path target, byte[] content) {
    try {
      ensureDir();
      Path temp =
          Files.createTempFile(
              dir,
              "." + target.getFileName(),
              ".tmp",
              PosixFilePermissions.asFileAttribute(FILE_MODE));
      try {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          ByteBuffer buffer = ByteBuffer.wrap(content);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          channel.force(true);
        }
        moveOver(temp, target);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  private static void moveOver(Path temp, Path target) throws IOException {
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      // Same directory, so this only happens on exotic file systems; still never world-readable.
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void ensureDir() throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
    }
    // An older or hand-made directory may be group-readable; tokens live here, so tighten it.
    Files.setPosixFilePermissions(dir, DIR_MODE);
  }
}
