package io.hoop.broker.audit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.hoop.api.AuditCanonical;
import io.hoop.api.AuditCheckpoint;
import io.hoop.broker.util.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Signs audit checkpoints with the broker's audit key (ES256), kept apart from the session-token
 * key in {@code <dataDir>/keys/audit.jwk} (mode 0600) so the two can be rotated and guarded
 * separately.
 */
public final class AuditSigner {
  private final ECKey key;
  private final ECDSASigner signer;

  private AuditSigner(ECKey key) throws JOSEException {
    this.key = key;
    this.signer = new ECDSASigner(key);
  }

  /** Where the audit key lives in a data dir. */
  public static Path keyFile(Path dataDir) {
    return dataDir.resolve("keys").resolve("audit.jwk");
  }

  /** Loads the audit key from the data dir, creating it on first start. */
  public static AuditSigner loadOrCreate(Path dataDir) throws IOException {
    Path file = keyFile(dataDir);
    try {
      ECKey key;
      if (Files.exists(file)) {
        key = ECKey.parse(Files.readString(file, StandardCharsets.UTF_8));
      } else {
        key =
            new ECKeyGenerator(Curve.P_256)
                .keyID("audit-" + UUID.randomUUID())
                .algorithm(JWSAlgorithm.ES256)
                .keyUse(KeyUse.SIGNATURE)
                .generate();
        SecureFiles.writePrivate(file, key.toJSONString().getBytes(StandardCharsets.UTF_8));
      }
      if (!key.isPrivate()) {
        throw new IOException("audit key " + file + " holds no private key; expected an EC key");
      }
      return new AuditSigner(key);
    } catch (ParseException | JOSEException e) {
      throw new IOException("cannot load audit signing key " + file + ": " + e.getMessage(), e);
    }
  }

  /** The public half of the audit key of a data dir, for {@code hoop-broker audit public-key}. */
  public static String readPublicJwk(Path dataDir) throws IOException {
    Path file = keyFile(dataDir);
    if (!Files.exists(file)) {
      throw new IOException(
          "no audit key at " + file + "; expected the data dir of a broker that has started once");
    }
    try {
      return ECKey.parse(Files.readString(file, StandardCharsets.UTF_8))
          .toPublicJWK()
          .toJSONString();
    } catch (ParseException e) {
      throw new IOException("audit key " + file + " is not a JWK: " + e.getMessage(), e);
    }
  }

  /** The public JWK (JSON) verifiers use. */
  public String publicJwk() {
    return key.toPublicJWK().toJSONString();
  }

  /** Signs {@code {"hash", "seq", "time"}} (canonical JSON) as a compact JWS. */
  public AuditCheckpoint sign(long seq, String hash, Instant signedAt) {
    String time = AuditCanonical.time(AuditCanonical.truncate(signedAt));
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("seq", seq);
    claims.put("hash", hash);
    claims.put("time", time);
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType(AuditCheckpoint.JWS_TYPE))
                .keyID(key.getKeyID())
                .build(),
            new Payload(AuditCanonical.json(claims)));
    try {
      jws.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign audit checkpoint at seq " + seq, e);
    }
    return new AuditCheckpoint(seq, hash, time, jws.serialize());
  }
}
