package io.hoop.engine.ssh.engine;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The broker's own SSH host key per target: generated once (Ed25519) and kept in {@code
 * <dir>/<target>.key} (OpenSSH private key format, mode 0600, directory 0700), so the known_hosts
 * entries users' clients hold stay valid across broker restarts.
 */
public final class SshHostKeys implements Function<String, KeyPair> {
  private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");

  private final Path dir;
  private final Map<String, KeyPair> keys = new ConcurrentHashMap<>();

  /** Keys kept under {@code dir} (created when the first key is). */
  public SshHostKeys(Path dir) {
    this.dir = requireNonNull(dir, "dir");
  }

  /** The host key of {@code target}, read or created on first use. */
  @Override
  public KeyPair apply(String target) {
    requireNonNull(target, "target");
    if (!NAME.matcher(target).matches()) {
      throw new IllegalArgumentException("'" + target + "' is not a target name");
    }
    return keys.computeIfAbsent(target, this::loadOrCreate);
  }

  /** The host key of {@code target} as an OpenSSH public key line, for a known_hosts entry. */
  public String publicKeyLine(String target) {
    return PublicKeyEntry.toString(apply(target).getPublic());
  }

  private KeyPair loadOrCreate(String target) {
    Path file = dir.resolve(target + ".key");
    try {
      if (Files.exists(file)) {
        return load(file);
      }
      Files.createDirectories(dir);
      if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
      KeyPair pair = generate();
      Path tmp = Files.createTempFile(dir, target, ".tmp");
      try {
        if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        }
        try (OutputStream out = Files.newOutputStream(tmp)) {
          OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(
              pair, "hoop broker host key for " + target, null, out);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return load(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the ssh host key of target " + target, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the ssh host key of target " + target, e);
    }
  }

  private static KeyPair generate() throws GeneralSecurityException {
    KeyPairGenerator g = SecurityUtils.getKeyPairGenerator(SecurityUtils.EDDSA);
    g.initialize(256);
    return g.generateKeyPair();
  }

  private static KeyPair load(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> pairs =
          SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in, null);
      Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
      if (it == null || !it.hasNext()) {
        throw new IOException(file + " holds no key pair");
      }
      KeyPair pair = it.next();
      if (!KeyPairProvider.SSH_ED25519.equals(KeyUtils.getKeyType(pair))) {
        throw new IOException(file + " is not an Ed25519 key");
      }
      return pair;
    }
  }
}
