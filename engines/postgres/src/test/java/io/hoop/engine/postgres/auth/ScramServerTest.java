package io.hoop.engine.postgres.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.postgres.auth.ScramMessages.ScramFormatException;
import io.hoop.engine.postgres.auth.ScramServer.ScramAuthenticationException;
import io.hoop.engine.postgres.engine.internal.ScramClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScramServerTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void rfc5802TestVectorSha1() throws Exception {
    ScramVerifier verifier =
        ScramVerifier.derive(
            ScramHash.SHA_1, "pencil", Base64.getDecoder().decode("QSXCR+Q6sek8bf92"), 4096);
    ScramServer server = new ScramServer(ScramHash.SHA_1, verifier, () -> "3rfcNHYJY1ZVvWVs7j");
    assertThat(server.serverFirst(utf8("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")))
        .isEqualTo("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096");
    assertThat(
            server.serverFinal(
                utf8(
                    "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
                        + "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=")))
        .isEqualTo("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    assertThat(server.authenticated()).isTrue();
  }

  @Test
  void rfc7677TestVectorSha256() throws Exception {
    ScramVerifier verifier =
        ScramVerifier.derive(
            ScramHash.SHA_256,
            "pencil",
            Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="),
            4096);
    ScramServer server =
        new ScramServer(ScramHash.SHA_256, verifier, () -> "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
    assertThat(server.serverFirst(utf8("n,,n=user,r=rOprNGfwEbeRWgbNEkqO")))
        .isEqualTo(
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    assertThat(
            server.serverFinal(
                utf8(
                    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=")))
        .isEqualTo("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  }

  @Test
  void theEngineScramClientLogsInAndVerifiesTheServer() throws Exception {
    ScramVerifier verifier = ScramVerifier.derive("s3cret-Password", 4096);
    ScramServer server = new ScramServer(verifier);
    ScramClient client = new ScramClient("", "s3cret-Password", ScramClient.randomNonce());
    String serverFirst = server.serverFirst(utf8(client.clientFirst()));
    String serverFinal = server.serverFinal(utf8(client.clientFinal(serverFirst)));
    client.verifyServerFinal(serverFinal);
    assertThat(server.authenticated()).isTrue();
  }

  @Test
  void aWrongPasswordFailsAndSaysNothingSecret() throws Exception {
    ScramVerifier verifier = ScramVerifier.derive("right-password", 4096);
    ScramServer server = new ScramServer(verifier);
    ScramClient client = new ScramClient("", "wrong-password", ScramClient.randomNonce());
    String serverFirst = server.serverFirst(utf8(client.clientFirst()));
    String clientFinal = client.clientFinal(serverFirst);
    assertThatThrownBy(() -> server.serverFinal(utf8(clientFinal)))
        .isInstanceOf(ScramAuthenticationException.class)
        .hasMessageNotContaining("wrong-password")
        .hasMessageNotContaining(clientFinal.substring(clientFinal.indexOf("p=") + 2));
    assertThat(server.authenticated()).isFalse();
    assertThat(verifier.toString())
        .doesNotContain(Base64.getEncoder().encodeToString(verifier.storedKey()));
  }

  @Test
  void anUnmatchableVerifierRefusesEveryPasswordWithAStableSalt() throws Exception {
    byte[] key = new byte[32];
    ScramVerifier a = ScramVerifier.unmatchable("g-1", key);
    assertThat(a.salt()).isEqualTo(ScramVerifier.unmatchable("g-1", key).salt());
    assertThat(a.salt()).isNotEqualTo(ScramVerifier.unmatchable("g-2", key).salt());
    ScramServer server = new ScramServer(a);
    ScramClient client = new ScramClient("", "", ScramClient.randomNonce());
    String clientFinal = client.clientFinal(server.serverFirst(utf8(client.clientFirst())));
    assertThatThrownBy(() -> server.serverFinal(utf8(clientFinal)))
        .isInstanceOf(ScramAuthenticationException.class);
  }

  @Test
  void fewerThan4096IterationsAreRefused() {
    assertThatThrownBy(() -> ScramVerifier.derive("p", 4095))
        .hasMessageContaining("4095")
        .hasMessageContaining("4096");
  }

  @Test
  void aReplayedFinalOfAnotherExchangeFails() throws Exception {
    ScramVerifier verifier = ScramVerifier.derive("pw", 4096);
    ScramServer one = new ScramServer(verifier);
    ScramClient client = new ScramClient("", "pw", ScramClient.randomNonce());
    String clientFirst = client.clientFirst();
    String clientFinal = client.clientFinal(one.serverFirst(utf8(clientFirst)));
    one.serverFinal(utf8(clientFinal));
    // The same messages against a new exchange: the server nonce differs, so the final is refused.
    ScramServer two = new ScramServer(verifier);
    two.serverFirst(utf8(clientFirst));
    assertThatThrownBy(() -> two.serverFinal(utf8(clientFinal)))
        .isInstanceOf(ScramFormatException.class)
        .hasMessageContaining("nonce");
  }

  @Test
  void theChannelBindingMustMatchTheHeader() throws Exception {
    ScramServer server = new ScramServer(ScramVerifier.derive("pw", 4096));
    String first = server.serverFirst(utf8("y,,n=,r=abc"));
    String nonce = first.substring(2, first.indexOf(','));
    assertThatThrownBy(() -> server.serverFinal(utf8("c=biws,r=" + nonce + ",p=AAAA")))
        .isInstanceOf(ScramFormatException.class)
        .hasMessageContaining("c=");
  }

  /** A SCRAM-SHA-256 client-final-message with channel binding {@code cbind} (RFC 5802 3). */
  private static String plusFinal(
      String password, String gs2, String bare, String serverFirst, byte[] cbind) throws Exception {
    String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
    String[] attrs = serverFirst.split(",");
    byte[] salt = Base64.getDecoder().decode(attrs[1].substring(2));
    int iterations = Integer.parseInt(attrs[2].substring(2));
    byte[] salted =
        javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(
                new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations, 256))
            .getEncoded();
    byte[] header = utf8(gs2);
    byte[] binding = java.util.Arrays.copyOf(header, header.length + cbind.length);
    System.arraycopy(cbind, 0, binding, header.length, cbind.length);
    String withoutProof = "c=" + Base64.getEncoder().encodeToString(binding) + ",r=" + nonce;
    byte[] auth = utf8(bare + "," + serverFirst + "," + withoutProof);
    byte[] clientKey = ScramHash.SHA_256.hmac(salted, utf8("Client Key"));
    byte[] signature = ScramHash.SHA_256.hmac(ScramHash.SHA_256.digest(clientKey), auth);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  @Test
  void plusBindsTheExchangeToThisConnectionsCertificate() throws Exception {
    byte[] mine = new byte[32];
    java.util.Arrays.fill(mine, (byte) 7);
    byte[] theirs = new byte[32];
    ScramVerifier verifier = ScramVerifier.derive("pw-plus", 4096);
    assertThat(new ScramServer(verifier, mine).mechanisms())
        .containsExactly(ScramServer.MECHANISM_PLUS, ScramServer.MECHANISM);
    assertThat(new ScramServer(verifier).mechanisms()).containsExactly(ScramServer.MECHANISM);
    String gs2 = "p=tls-server-end-point,,";
    String bare = "n=,r=clientNonce123";

    ScramServer server = new ScramServer(verifier, mine);
    String first = server.serverFirst(ScramServer.MECHANISM_PLUS, utf8(gs2 + bare));
    assertThat(server.serverFinal(utf8(plusFinal("pw-plus", gs2, bare, first, mine))))
        .startsWith("v=");
    assertThat(server.authenticated()).isTrue();

    // a man in the middle terminates TLS with another certificate: the client binds to that one
    ScramServer relayed = new ScramServer(verifier, mine);
    String first2 = relayed.serverFirst(ScramServer.MECHANISM_PLUS, utf8(gs2 + bare));
    assertThatThrownBy(
            () -> relayed.serverFinal(utf8(plusFinal("pw-plus", gs2, bare, first2, theirs))))
        .isInstanceOf(ScramFormatException.class)
        .hasMessageContaining("not this TLS connection's");
    assertThat(relayed.authenticated()).isFalse();
  }

  @Test
  void aDowngradeOrAMechanismAndFlagThatDisagreeAreRefused() throws Exception {
    ScramVerifier verifier = ScramVerifier.derive("pw", 4096);
    byte[] cb = new byte[32];
    // y: the client could bind but believes the server cannot, while it offers binding
    assertThatThrownBy(
            () ->
                new ScramServer(verifier, cb).serverFirst(ScramServer.MECHANISM, utf8("y,,n=,r=a")))
        .isInstanceOf(ScramFormatException.class)
        .hasMessageContaining("downgrade");
    assertThatThrownBy(
            () ->
                new ScramServer(verifier, cb)
                    .serverFirst(ScramServer.MECHANISM_PLUS, utf8("n,,n=,r=a")))
        .isInstanceOf(ScramFormatException.class);
    assertThatThrownBy(
            () ->
                new ScramServer(verifier, cb)
                    .serverFirst(ScramServer.MECHANISM, utf8("p=tls-server-end-point,,n=,r=a")))
        .isInstanceOf(ScramFormatException.class);
    assertThatThrownBy(
            () ->
                new ScramServer(verifier, cb)
                    .serverFirst(ScramServer.MECHANISM_PLUS, utf8("p=tls-unique,,n=,r=a")))
        .isInstanceOf(ScramFormatException.class)
        .hasMessageContaining("only tls-server-end-point");
    // PLUS asked where there is no TLS certificate to bind to
    assertThatThrownBy(
            () ->
                new ScramServer(verifier)
                    .serverFirst(
                        ScramServer.MECHANISM_PLUS, utf8("p=tls-server-end-point,,n=,r=a")))
        .isInstanceOf(ScramFormatException.class)
        .hasMessageContaining("not offered");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "n",
        "n,",
        "p=tls-server-end-point,,n=,r=abc",
        "x,,n=,r=abc",
        "n,a=admin,n=,r=abc",
        "n,,r=abc",
        "n,,m=ext,n=,r=abc",
        "n,,n=,r=",
        "n,,n=,s=abc",
        "n,,n=a=ZZ,r=abc",
        "n,,n=,r=ab\u0001c",
        "n,,n=,r=abc,=x",
        "n,,n=,r=ab c"
      })
  void malformedClientFirstMessagesAreRefused(String message) {
    ScramServer server = new ScramServer(ScramVerifier.derive("pw", 4096));
    assertThatThrownBy(() -> server.serverFirst(utf8(message)))
        .isInstanceOf(ScramFormatException.class);
    assertThat(server.authenticated()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "c=biws",
        "r=x,c=biws,p=AAAA",
        "c=biws,r=NONCE",
        "c=biws,r=NONCE,p=",
        "c=biws,r=NONCE,p=!!!",
        "c=***,r=NONCE,p=AAAA",
        "c=biws,r=NONCE,p=AAAA,x=1",
        "c=biws,r=other,p=AAAA",
        "c=biws,p=AAAA,r=NONCE"
      })
  void malformedClientFinalMessagesAreRefused(String message) throws Exception {
    ScramServer server = new ScramServer(ScramVerifier.derive("pw", 4096));
    String first = server.serverFirst(utf8("n,,n=,r=abc"));
    String nonce = first.substring(2, first.indexOf(','));
    assertThatThrownBy(() -> server.serverFinal(utf8(message.replace("NONCE", nonce))))
        .isInstanceOf(ScramFormatException.class);
    assertThat(server.authenticated()).isFalse();
  }

  @Test
  void oversizedAndNonUtf8MessagesAreRefused() {
    ScramServer server = new ScramServer(ScramVerifier.derive("pw", 4096));
    byte[] huge = utf8("n,,n=,r=" + "a".repeat(ScramMessages.MAX_MESSAGE_BYTES));
    assertThatThrownBy(() -> server.serverFirst(huge)).hasMessageContaining("at most");
    assertThatThrownBy(
            () ->
                new ScramServer(ScramVerifier.derive("pw", 4096))
                    .serverFirst(new byte[] {'n', ',', ',', (byte) 0xff}))
        .hasMessageContaining("UTF-8");
  }

  @Test
  void messagesOutOfOrderAreAStateError() throws Exception {
    ScramServer server = new ScramServer(ScramVerifier.derive("pw", 4096));
    assertThatThrownBy(() -> server.serverFinal(utf8("c=biws,r=a,p=AAAA")))
        .isInstanceOf(IllegalStateException.class);
  }
}
