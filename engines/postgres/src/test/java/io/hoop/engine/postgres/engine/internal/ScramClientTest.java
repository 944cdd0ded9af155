package io.hoop.engine.postgres.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScramClientTest {
  // RFC 7677 section 3.
  private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  private static final String CLIENT_FINAL =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
          + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

  @Test
  void followsTheRfc7677Example() throws Exception {
    ScramClient scram = new ScramClient("user", "pencil", CLIENT_NONCE);
    assertThat(scram.clientFirst()).isEqualTo("n,,n=user,r=" + CLIENT_NONCE);
    assertThat(scram.clientFinal(SERVER_FIRST)).isEqualTo(CLIENT_FINAL);
    scram.verifyServerFinal(SERVER_FINAL);
  }

  @Test
  void refusesAServerSignatureMadeWithoutTheKey() throws Exception {
    ScramClient scram = new ScramClient("user", "wrong", CLIENT_NONCE);
    scram.clientFirst();
    scram.clientFinal(SERVER_FIRST);
    assertThatThrownBy(() -> scram.verifyServerFinal(SERVER_FINAL))
        .isInstanceOf(ScramClient.ScramException.class)
        .hasMessageContaining("signature does not match")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void refusesANonceThatDoesNotExtendOurs() {
    ScramClient scram = new ScramClient("", "pencil", CLIENT_NONCE);
    scram.clientFirst();
    assertThatThrownBy(() -> scram.clientFinal("r=someoneElse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        .hasMessageContaining("nonce");
    ScramClient same = new ScramClient("", "pencil", CLIENT_NONCE);
    same.clientFirst();
    assertThatThrownBy(() -> same.clientFinal("r=" + CLIENT_NONCE + ",s=AAAA,i=4096"))
        .hasMessageContaining("nonce");
  }

  @Test
  void refusesHostileIterationCountsAndMissingAttributes() {
    for (String serverFirst :
        new String[] {
          "r=" + CLIENT_NONCE + "x,s=AAAA,i=0",
          "r=" + CLIENT_NONCE + "x,s=AAAA,i=2000000000",
          "r=" + CLIENT_NONCE + "x,s=AAAA,i=many",
          "r=" + CLIENT_NONCE + "x,s=!!!,i=4096",
          "r=" + CLIENT_NONCE + "x,i=4096",
          ""
        }) {
      ScramClient scram = new ScramClient("", "pencil", CLIENT_NONCE);
      scram.clientFirst();
      assertThatThrownBy(() -> scram.clientFinal(serverFirst))
          .as(serverFirst)
          .isInstanceOf(ScramClient.ScramException.class);
    }
  }

  @Test
  void reportsTheServersErrorAttribute() throws Exception {
    ScramClient scram = new ScramClient("user", "pencil", CLIENT_NONCE);
    scram.clientFirst();
    scram.clientFinal(SERVER_FIRST);
    assertThatThrownBy(() -> scram.verifyServerFinal("e=invalid-proof"))
        .hasMessageContaining("invalid-proof");
  }

  @Test
  void noncesAreFreshAndCommaFree() {
    String a = ScramClient.randomNonce();
    assertThat(a).hasSize(24).doesNotContain(",").isNotEqualTo(ScramClient.randomNonce());
  }
}
