import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSigner;
import java.util.Enumeration;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Checks the signature of every signed jar in a directory at build time, then rewrites the jar
 * without it (BouncyCastle's jars are the signed ones hoop ships).
 *
 * <p>Why: the JVM verifies a signed jar's digests when it first loads a class from it (800 KB of
 * signature file and manifest for bcprov), and a JDK 17 class-data sharing archive never holds
 * signed classes, so every `hoop` command paid for both (~100 ms of a broker call,
 * bench/cli-start). At run time, without a security manager, the signature proves nothing: a
 * jar edited on disk can be re-signed or stripped by whoever edited it. The check belongs where
 * the jar enters the distribution, so this program reads every entry through a verifying {@link
 * JarFile} (a digest mismatch throws), refuses a jar whose classes are not all signed, and only
 * then writes the copy: the main manifest attributes (Multi-Release and the like) without the
 * per-entry digests, and no signature files.
 *
 * <p>usage: {@code java UnsignJars.java DIR} (a single-file program: needs only the JDK)
 */
public final class UnsignJars {
  private UnsignJars() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !Files.isDirectory(Path.of(args[0]))) {
      System.err.println("usage: java UnsignJars.java DIR (a directory of jars)");
      System.exit(2);
    }
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of(args[0]), "*.jar")) {
      for (Path jar : jars) {
        try {
          unsign(jar);
        } catch (IOException | SecurityException e) {
          System.err.println("unsign-jars: " + jar + ": " + e.getMessage());
          System.exit(1);
        }
      }
    }
  }

  private static boolean isSignatureFile(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    if (!upper.startsWith("META-INF/") || upper.indexOf('/', "META-INF/".length()) >= 0) {
      return false;
    }
    return upper.endsWith(".SF")
        || upper.endsWith(".RSA")
        || upper.endsWith(".DSA")
        || upper.endsWith(".EC")
        || upper.startsWith("META-INF/SIG-");
  }

  private static void unsign(Path jar) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    String signer = null;
    int verified = 0;
    Path copy = jar.resolveSibling(jar.getFileName() + ".unsigned");
    try (JarFile in = new JarFile(jar.toFile(), true)) {
      boolean signed = false;
      for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
        if (isSignatureFile(e.nextElement().getName())) {
          signed = true;
          break;
        }
      }
      if (!signed) {
        return;
      }
      Manifest manifest = new Manifest();
      manifest.getMainAttributes().putAll(in.getManifest().getMainAttributes());
      manifest.getMainAttributes().putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
      try (OutputStream file = Files.newOutputStream(copy);
          JarOutputStream out = new JarOutputStream(file, manifest)) {
        for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements(); ) {
          JarEntry entry = e.nextElement();
          String name = entry.getName();
          if (name.equalsIgnoreCase(JarFile.MANIFEST_NAME) || isSignatureFile(name)) {
            continue;
          }
          JarEntry written = new JarEntry(name);
          written.setTime(entry.getTime());
          out.putNextEntry(written);
          // Reading to the end is what verifies the entry against the signed digests.
          try (InputStream data = in.getInputStream(entry)) {
            for (int n; (n = data.read(buffer)) > 0; ) {
              out.write(buffer, 0, n);
            }
          }
          out.closeEntry();
          if (entry.isDirectory() || name.startsWith("META-INF/")) {
            continue;
          }
          CodeSigner[] signers = entry.getCodeSigners();
          if (signers == null || signers.length == 0) {
            throw new SecurityException(
                name + " is not signed, unlike the rest of the jar: refusing to ship it");
          }
          if (signer == null) {
            signer =
                ((java.security.cert.X509Certificate)
                        signers[0].getSignerCertPath().getCertificates().get(0))
                    .getSubjectX500Principal()
                    .getName();
          }
          verified++;
        }
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(copy);
      throw e;
    }
    Files.move(copy, jar, StandardCopyOption.REPLACE_EXISTING);
    System.out.println(
        "unsign-jars: "
            + jar.getFileName()
            + ": "
            + verified
            + " entries verified against the signature of "
            + signer
            + ", signature removed");
  }
}
