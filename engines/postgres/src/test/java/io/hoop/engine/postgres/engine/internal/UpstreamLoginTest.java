package io.hoop.engine.postgres.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.postgres.message.backend.AuthenticationCleartextPassword;
import io.hoop.engine.postgres.message.backend.AuthenticationMd5Password;
import io.hoop.engine.postgres.message.backend.AuthenticationSasl;
import io.hoop.engine.postgres.message.backend.AuthenticationSaslContinue;
import io.hoop.engine.postgres.message.backend.AuthenticationSaslFinal;
import io.hoop.engine.postgres.message.backend.BackendMessages;
import io.hoop.engine.postgres.message.backend.UnknownBackendMessage;
import io.hoop.engine.postgres.message.frontend.AuthenticationResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamLoginTest {
  private static final String PASSWORD = "s3cret-Pa55";

  @Test
  void answersMd5WithTheSaltedDoubleHash() throws Exception {
    // Reference value computed with Python's hashlib for user bar, password foo, salt 01020304.
    assertThat(UpstreamLogin.md5Answer("bar", "foo", new byte[] {1, 2, 3, 4}))
        .isEqualTo("md56e4f0b50f7277feb74acbf2a7734c9cb");
    AuthenticationResponse answer =
        (AuthenticationResponse)
            new UpstreamLogin("bar", "foo")
                .answer(new AuthenticationMd5Password(new byte[] {1, 2, 3, 4}));
    assertThat(answer.password()).isEqualTo("md56e4f0b50f7277feb74acbf2a7734c9cb");
  }

  @Test
  void startsScramWithAnEmptyNameAndAFreshNonce() throws Exception {
    UpstreamLogin login = new UpstreamLogin("app", PASSWORD);
    AuthenticationResponse first =
        (AuthenticationResponse)
            login.answer(new AuthenticationSasl(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")));
    AuthenticationResponse.SaslInitial initial = first.saslInitial();
    assertThat(initial.mechanism()).isEqualTo("SCRAM-SHA-256");
    assertThat(new String(initial.data(), StandardCharsets.UTF_8)).startsWith("n,,n=,r=");
  }

  @Test
  void refusesCleartextBecauseUpstreamTlsIsNotBuilt() {
    assertThatThrownBy(
            () ->
                new UpstreamLogin("app", PASSWORD).answer(AuthenticationCleartextPassword.INSTANCE))
        .isInstanceOf(UpstreamLogin.LoginFailure.class)
        .hasMessageContaining("cleartext")
        .hasMessageContaining("TLS")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void refusesOtherMechanismsAndOutOfOrderSteps() {
    UpstreamLogin login = new UpstreamLogin("app", PASSWORD);
    assertThatThrownBy(() -> login.answer(new AuthenticationSasl(List.of("OAUTHBEARER"))))
        .hasMessageContaining("OAUTHBEARER");
    assertThatThrownBy(() -> login.answer(new AuthenticationSaslContinue(new byte[0])))
        .hasMessageContaining("never started");
    assertThatThrownBy(() -> login.answer(new AuthenticationSaslFinal(new byte[0])))
        .hasMessageContaining("never started");
    assertThatThrownBy(
            () ->
                login.answer(
                    new UnknownBackendMessage(
                        BackendMessages.AUTHENTICATION, new byte[] {0, 0, 0, 7})))
        .hasMessageContaining("does not support");
  }
}
