import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;

/**
 * Time and garbage of one DPoP-proof signature and verification (a proof-sized input) for the
 * choices hoop weighed: P-256 with the JDK's SunEC, P-256 with BouncyCastle given JDK key objects
 * (it rebuilds the curve per operation), P-256 with BouncyCastle's own key objects (what hoop does
 * for ES256 keys), and Ed25519 with the JDK and with BouncyCastle (hoop's proof keys).
 *
 * <p>Run: {@code java -cp "$(ls packaging/target/hoop/lib/bcprov-*.jar)"
 * bench/src/DpopSignBench.java [iterations]}
 */
public final class DpopSignBench {
  private static final ThreadMXBean MX = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  private DpopSignBench() {}

  record Case(String name, Provider provider, String algorithm, PrivateKey priv, PublicKey pub) {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Provider bc =
        (Provider)
            Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider")
                .getDeclaredConstructor()
                .newInstance();
    KeyPairGenerator ecGen = KeyPairGenerator.getInstance("EC");
    ecGen.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair ec = ecGen.generateKeyPair();
    KeyFactory bcEc = KeyFactory.getInstance("EC", bc);
    KeyPair ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    KeyPairGenerator bcEdGen = KeyPairGenerator.getInstance("Ed25519", bc);
    KeyPair bcEd = bcEdGen.generateKeyPair();
    Provider sunEc = Signature.getInstance("SHA256withECDSA").getProvider();
    Case[] cases = {
      new Case("P-256 SunEC", sunEc, "SHA256withECDSA", ec.getPrivate(), ec.getPublic()),
      new Case("P-256 BC, JDK keys", bc, "SHA256withECDSA", ec.getPrivate(), ec.getPublic()),
      new Case(
          "P-256 BC, BC keys",
          bc,
          "SHA256withECDSA",
          (PrivateKey) bcEc.translateKey(ec.getPrivate()),
          (PublicKey) bcEc.translateKey(ec.getPublic())),
      new Case(
          "Ed25519 JDK", Signature.getInstance("Ed25519").getProvider(), "Ed25519",
          ed.getPrivate(), ed.getPublic()),
      new Case(
          "Ed25519 BC",
          bc,
          "Ed25519",
          bcEd.getPrivate(),
          bcEd.getPublic()),
    };
    byte[] input = new byte[300];
    // Twice each: the first round warms the JIT, the second is printed.
    for (int round = 0; round < 2; round++) {
      for (Case c : cases) {
        Signature s = Signature.getInstance(c.algorithm(), c.provider());
        s.initSign(c.priv());
        s.update(input);
        byte[] sig = s.sign();
        long a0 = MX.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          Signature v = Signature.getInstance(c.algorithm(), c.provider());
          v.initVerify(c.pub());
          v.update(input);
          if (!v.verify(sig)) {
            throw new IllegalStateException(c.name() + " rejected its own signature");
          }
        }
        long t1 = System.nanoTime();
        long a1 = MX.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < n; i++) {
          Signature v = Signature.getInstance(c.algorithm(), c.provider());
          v.initSign(c.priv());
          v.update(input);
          v.sign();
        }
        long t2 = System.nanoTime();
        long a2 = MX.getCurrentThreadAllocatedBytes();
        if (round == 1) {
          System.out.printf(
              Locale.ROOT,
              "%-20s sign %5.0f us %6.1f KB   verify %5.0f us %6.1f KB%n",
              c.name(),
              (t2 - t1) / 1e3 / n,
              (a2 - a1) / 1024.0 / n,
              (t1 - t0) / 1e3 / n,
              (a1 - a0) / 1024.0 / n);
        }
      }
    }
  }
}
