package io.hoop.engine.http.config;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * The credential a role's requests carry toward the target; the broker holds it, the client never
 * sees it. Records override {@code toString()} so a credential never reaches a log.
 */
public sealed interface Credential {
  /** The header the credential is sent in, or null for a client certificate (sent in TLS). */
  String headerName();

  /** The header's value, or null for a client certificate. */
  String headerValue();

  /** {@code Authorization: Bearer <token>}. */
  record Bearer(String token) implements Credential {
    public Bearer {
      requireNonNull(token, "token");
    }

    @Override
    public String headerName() {
      return "Authorization";
    }

    @Override
    public String headerValue() {
      return "Bearer " + token;
    }

    @Override
    public String toString() {
      return "Bearer[token=****]";
    }
  }

  /** {@code Authorization: Basic base64(user:password)}. */
  record Basic(String user, String password) implements Credential {
    public Basic {
      requireNonNull(user, "user");
      requireNonNull(password, "password");
    }

    @Override
    public String headerName() {
      return "Authorization";
    }

    @Override
    public String headerValue() {
      return "Basic "
          + Base64.getEncoder()
              .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Basic[user=" + user + ", password=****]";
    }
  }

  /** A fixed header, e.g. {@code X-Api-Key}. */
  record Header(String name, String value) implements Credential {
    public Header {
      requireNonNull(name, "name");
      requireNonNull(value, "value");
    }

    @Override
    public String headerName() {
      return name;
    }

    @Override
    public String headerValue() {
      return value;
    }

    @Override
    public String toString() {
      return "Header[name=" + name + ", value=****]";
    }
  }

  /** A client certificate (and its chain) presented in the TLS handshake with the target. */
  record ClientCertificate(List<X509Certificate> chain, PrivateKey key) implements Credential {
    public ClientCertificate {
      chain = List.copyOf(requireNonNull(chain, "chain"));
      requireNonNull(key, "key");
    }

    @Override
    public String headerName() {
      return null;
    }

    @Override
    public String headerValue() {
      return null;
    }

    @Override
    public String toString() {
      return "ClientCertificate[subject="
          + chain.get(0).getSubjectX500Principal().getName()
          + ", key=****]";
    }
  }
}
