package io.hoop.engine.postgres.engine.internal;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.message.backend.AuthenticationCleartextPassword;
import io.hoop.engine.postgres.message.backend.AuthenticationMd5Password;
import io.hoop.engine.postgres.message.backend.AuthenticationSasl;
import io.hoop.engine.postgres.message.backend.AuthenticationSaslContinue;
import io.hoop.engine.postgres.message.backend.AuthenticationSaslFinal;
import io.hoop.engine.postgres.message.backend.BackendMessage;
import io.hoop.engine.postgres.message.frontend.AuthenticationResponse;
import io.hoop.engine.postgres.message.frontend.FrontendMessage;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Answers the upstream server's authentication requests with the broker-held password:
 * SCRAM-SHA-256 or MD5, and cleartext only when the connection is TLS (otherwise the password would
 * cross the network readable). Pure: no I/O, so every branch is unit-tested.
 */
public final class UpstreamLogin {
  private final String user;
  private final String password;
  private final boolean tls;
  private ScramClient scram;

  /** Logs in as {@code user} with {@code password} over a plaintext connection. */
  public UpstreamLogin(String user, String password) {
    this(user, password, false);
  }

  /** Logs in as {@code user} with {@code password}; {@code tls} allows cleartext passwords. */
  public UpstreamLogin(String user, String password, boolean tls) {
    this.user = requireNonNull(user, "user");
    this.password = requireNonNull(password, "password");
    this.tls = tls;
  }

  /**
   * The message answering {@code request}, or null when nothing is to be sent (the SCRAM
   * server-final was verified; AuthenticationOk comes next).
   *
   * @throws LoginFailure with a message for the client that never contains the password
   */
  public FrontendMessage answer(BackendMessage request) throws LoginFailure {
    try {
      if (request instanceof AuthenticationSasl sasl) {
        if (!sasl.mechanisms().contains(ScramClient.MECHANISM)) {
          throw new LoginFailure(
              "the server offers SASL mechanisms "
                  + sasl.mechanisms()
                  + ", expected "
                  + ScramClient.MECHANISM);
        }
        scram = new ScramClient("", password, ScramClient.randomNonce());
        return AuthenticationResponse.saslInitial(
            ScramClient.MECHANISM, scram.clientFirst().getBytes(StandardCharsets.UTF_8));
      }
      if (request instanceof AuthenticationSaslContinue next) {
        return AuthenticationResponse.saslResponse(
            requireScram().clientFinal(next.text()).getBytes(StandardCharsets.UTF_8));
      }
      if (request instanceof AuthenticationSaslFinal last) {
        requireScram().verifyServerFinal(last.text());
        return null;
      }
    } catch (ScramClient.ScramException e) {
      throw new LoginFailure("SCRAM-SHA-256 login failed: " + e.getMessage());
    }
    if (request instanceof AuthenticationMd5Password md5) {
      return AuthenticationResponse.password(md5Answer(user, password, md5.salt()));
    }
    if (request instanceof AuthenticationCleartextPassword) {
      if (tls) {
        return AuthenticationResponse.password(password);
      }
      throw new LoginFailure(
          "the server asks for a cleartext password, which hoop sends only over TLS, and this"
              + " target's upstream TLS is disabled; set sslmode require or verify-full, or"
              + " configure scram-sha-256 or md5 for role "
              + user
              + " in pg_hba.conf");
    }
    throw new LoginFailure(
        "the server asks for an authentication method hoop does not support, expected"
            + " SCRAM-SHA-256 or MD5");
  }

  /** The PasswordMessage text for MD5: {@code "md5" + md5(md5(password + user) + salt)}. */
  static String md5Answer(String user, String password, byte[] salt) {
    String inner = md5Hex(concat(password.getBytes(StandardCharsets.UTF_8), user));
    return "md5" + md5Hex(concat(inner.getBytes(StandardCharsets.US_ASCII), salt));
  }

  private ScramClient requireScram() throws LoginFailure {
    if (scram == null) {
      throw new LoginFailure("the server continued a SASL exchange that was never started");
    }
    return scram;
  }

  private static byte[] concat(byte[] a, String b) {
    return concat(a, b.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String md5Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("MD5 is not available in this JDK", e);
    }
  }

  /** Upstream login failed; the message is safe to show the client. */
  public static final class LoginFailure extends Exception {
    private static final long serialVersionUID = 1L;

    LoginFailure(String message) {
      super(message);
    }
  }
}
