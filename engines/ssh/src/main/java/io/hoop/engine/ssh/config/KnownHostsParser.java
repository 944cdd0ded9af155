package io.hoop.engine.ssh.config;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Parses known_hosts lines ({@code [host]:port keytype base64 [comment]}) into {@link HostKey}s
 * with the JDK's own key classes: {@code ssh-ed25519}, {@code ecdsa-sha2-nistp256/384/521} and
 * {@code ssh-rsa} (2048 bits or more; it signs with rsa-sha2-256/512). The key blob must agree with
 * the key type, be well formed to its last byte, and (for ECDSA) lie on its curve. Markers
 * ({@code @cert-authority}, {@code @revoked}) are refused: hoop pins keys.
 */
public final class KnownHostsParser {
  /** The longest line accepted. */
  public static final int MAX_LINE = 16 * 1024;

  private static final int MIN_RSA_BITS = 2048;
  private static final byte[] ED25519_X509_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };
  private static final Map<String, String[]> CURVES =
      Map.of(
          "ecdsa-sha2-nistp256", new String[] {"nistp256", "secp256r1"},
          "ecdsa-sha2-nistp384", new String[] {"nistp384", "secp384r1"},
          "ecdsa-sha2-nistp521", new String[] {"nistp521", "secp521r1"});

  private KnownHostsParser() {}

  /** Parses one line; {@code lineNumber} (1-based) goes into error messages. */
  public static HostKey parse(String line, int lineNumber) throws KnownHostsException {
    String where = "line " + lineNumber + ": ";
    if (line == null || line.isBlank()) {
      throw new KnownHostsException(where + "is empty; expected '[host]:port keytype base64'");
    }
    if (line.length() > MAX_LINE) {
      throw new KnownHostsException(where + "is longer than " + MAX_LINE + " characters");
    }
    for (int k = 0; k < line.length(); k++) {
      char c = line.charAt(k);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        throw new KnownHostsException(where + "contains a control character");
      }
    }
    String[] f = line.strip().split("[ \t]+", 4);
    if (f[0].startsWith("@")) {
      throw new KnownHostsException(
          where + "the marker " + f[0] + " is not supported; pin the host key itself");
    }
    if (f.length < 3) {
      throw new KnownHostsException(
          where + "has " + f.length + " fields; expected '[host]:port keytype base64 [comment]'");
    }
    List<String> hosts = hosts(where, f[0]);
    String type = f[1];
    if (!type.equals("ssh-ed25519") && !type.equals("ssh-rsa") && !CURVES.containsKey(type)) {
      throw new KnownHostsException(
          where
              + "the key type '"
              + shorten(type)
              + "' is not accepted; expected ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa");
    }
    byte[] blob;
    try {
      blob = Base64.getDecoder().decode(f[2]);
    } catch (IllegalArgumentException e) {
      throw new KnownHostsException(where + "the key is not valid base64");
    }
    PublicKey key = decode(where, type, blob);
    return new HostKey(hosts, type, f[2], key, f.length > 3 ? f[3].strip() : "");
  }

  /** Parses every line, numbering from 1; blank lines and lines starting with '#' are refused. */
  public static List<HostKey> parseAll(List<String> lines) throws KnownHostsException {
    List<HostKey> out = new ArrayList<>();
    for (int k = 0; k < lines.size(); k++) {
      out.add(parse(lines.get(k), k + 1));
    }
    return out;
  }

  private static List<String> hosts(String where, String field) throws KnownHostsException {
    List<String> out = new ArrayList<>();
    for (String h : field.split(",", -1)) {
      if (h.isEmpty() || h.equals("!")) {
        throw new KnownHostsException(
            where + "has an empty host pattern in '" + shorten(field) + "'");
      }
      String p = h.startsWith("!") ? h.substring(1) : h;
      if (p.startsWith("|")) {
        String[] parts = p.split("\\|", -1);
        if (parts.length != 4 || !parts[1].equals("1")) {
          throw new KnownHostsException(where + "a hashed host must be |1|salt|hash");
        }
        try {
          if (Base64.getDecoder().decode(parts[2]).length != 20
              || Base64.getDecoder().decode(parts[3]).length != 20) {
            throw new KnownHostsException(
                where + "a hashed host's salt and hash are 20 bytes each");
          }
        } catch (IllegalArgumentException e) {
          throw new KnownHostsException(where + "a hashed host's salt or hash is not base64");
        }
      } else if (p.startsWith("[")) {
        int close = p.indexOf("]:");
        if (close < 2
            || !p.substring(close + 2).matches("[0-9]{1,5}")
            || Integer.parseInt(p.substring(close + 2)) > 65535) {
          throw new KnownHostsException(
              where + "'" + shorten(p) + "' is not [host]:port with a port up to 65535");
        }
      } else if (p.contains("[") || p.contains("]") || p.contains("|")) {
        throw new KnownHostsException(where + "'" + shorten(p) + "' is not a host pattern");
      }
      out.add(h);
    }
    return out;
  }

  private static PublicKey decode(String where, String type, byte[] blob)
      throws KnownHostsException {
    ByteBuffer b = ByteBuffer.wrap(blob);
    String inner = new String(string(where, b), StandardCharsets.US_ASCII);
    if (!inner.equals(type)) {
      throw new KnownHostsException(
          where + "the key blob is of type '" + shorten(inner) + "', not " + type);
    }
    try {
      PublicKey key;
      if (type.equals("ssh-ed25519")) {
        byte[] pk = string(where, b);
        if (pk.length != 32) {
          throw new KnownHostsException(where + "an ed25519 key is 32 bytes, not " + pk.length);
        }
        byte[] der = Arrays.copyOf(ED25519_X509_PREFIX, ED25519_X509_PREFIX.length + 32);
        System.arraycopy(pk, 0, der, ED25519_X509_PREFIX.length, 32);
        key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
      } else if (type.equals("ssh-rsa")) {
        BigInteger e = mpint(where, b);
        BigInteger n = mpint(where, b);
        if (n.signum() <= 0 || e.signum() <= 0 || !e.testBit(0) || e.bitLength() > 64) {
          throw new KnownHostsException(where + "the RSA key's numbers are not valid");
        }
        if (n.bitLength() < MIN_RSA_BITS) {
          throw new KnownHostsException(
              where + "the RSA key has " + n.bitLength() + " bits; at least " + MIN_RSA_BITS);
        }
        key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
      } else {
        String[] curve = CURVES.get(type);
        String id = new String(string(where, b), StandardCharsets.US_ASCII);
        if (!id.equals(curve[0])) {
          throw new KnownHostsException(
              where + "the curve '" + shorten(id) + "' is not " + curve[0]);
        }
        key = ecKey(where, curve[1], string(where, b));
      }
      if (b.hasRemaining()) {
        throw new KnownHostsException(
            where + "the key blob has " + b.remaining() + " bytes after the key");
      }
      return key;
    } catch (GeneralSecurityException e) {
      throw new KnownHostsException(where + "the key is not a valid " + type + " key");
    }
  }

  private static PublicKey ecKey(String where, String curveName, byte[] q)
      throws GeneralSecurityException, KnownHostsException {
    AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
    params.init(new ECGenParameterSpec(curveName));
    ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
    EllipticCurve curve = spec.getCurve();
    BigInteger p = ((ECFieldFp) curve.getField()).getP();
    int size = (p.bitLength() + 7) / 8;
    if (q.length != 1 + 2 * size || q[0] != 4) {
      throw new KnownHostsException(
          where + "the ECDSA point is not an uncompressed " + curveName + " point");
    }
    BigInteger x = new BigInteger(1, Arrays.copyOfRange(q, 1, 1 + size));
    BigInteger y = new BigInteger(1, Arrays.copyOfRange(q, 1 + size, q.length));
    BigInteger lhs = y.multiply(y).mod(p);
    BigInteger rhs = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0 || !lhs.equals(rhs)) {
      throw new KnownHostsException(where + "the ECDSA point is not on " + curveName);
    }
    return KeyFactory.getInstance("EC")
        .generatePublic(new ECPublicKeySpec(new ECPoint(x, y), spec));
  }

  private static byte[] string(String where, ByteBuffer b) throws KnownHostsException {
    if (b.remaining() < 4) {
      throw new KnownHostsException(where + "the key blob is truncated");
    }
    int len = b.getInt();
    if (len < 0 || len > b.remaining()) {
      throw new KnownHostsException(where + "the key blob is truncated");
    }
    byte[] out = new byte[len];
    b.get(out);
    return out;
  }

  private static BigInteger mpint(String where, ByteBuffer b) throws KnownHostsException {
    byte[] v = string(where, b);
    if (v.length == 0) {
      return BigInteger.ZERO;
    }
    return new BigInteger(v);
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
