import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Locale;

/**
 * Time of one P-256 signature and one verification (SHA256withECDSA over a proof-sized input) with
 * the JDK's SunEC and with BouncyCastle: what each DPoP proof costs the CLI and the broker.
 *
 * <p>Run: {@code java -cp "$(ls packaging/target/hoop/lib/bcprov-*.jar)" bench/src/DpopSignBench.java}
 */
public final class DpopSignBench {
  private DpopSignBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Provider bc =
        (Provider)
            Class.forName("org.bouncycastle.jce.provider.BouncyCastleProvider")
                .getDeclaredConstructor()
                .newInstance();
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair kp = g.generateKeyPair();
    byte[] input = new byte[300];
    // Twice each: the first round warms the JIT, the second is printed.
    for (int round = 0; round < 2; round++) {
      for (Provider p : new Provider[] {Signature.getInstance("SHA256withECDSA").getProvider(), bc}) {
        Signature s = Signature.getInstance("SHA256withECDSA", p);
        s.initSign(kp.getPrivate());
        s.update(input);
        byte[] sig = s.sign();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          Signature v = Signature.getInstance("SHA256withECDSA", p);
          v.initVerify(kp.getPublic());
          v.update(input);
          if (!v.verify(sig)) {
            throw new IllegalStateException(p.getName() + " rejected its own signature");
          }
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          Signature v = Signature.getInstance("SHA256withECDSA", p);
          v.initSign(kp.getPrivate());
          v.update(input);
          v.sign();
        }
        long t2 = System.nanoTime();
        if (round == 1) {
          System.out.printf(
              Locale.ROOT,
              "%-6s sign %4.0f us  verify %4.0f us%n",
              p.getName(),
              (t2 - t1) / 1e3 / n,
              (t1 - t0) / 1e3 / n);
        }
      }
    }
  }
}
