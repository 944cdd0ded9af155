package io.hoop.engine.postgres.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hoop.engine.postgres.auth.ScramMessages;
import io.hoop.engine.postgres.auth.ScramMessages.ScramFormatException;
import io.hoop.engine.postgres.auth.ScramServer;
import io.hoop.engine.postgres.auth.ScramServer.ScramAuthenticationException;
import io.hoop.engine.postgres.auth.ScramVerifier;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the SCRAM server's message parsers and exchange: any input is refused with a checked
 * exception or parsed, never thrown through, and never authenticates without the password.
 */
class ScramServerFuzzTest {
  private static final ScramVerifier VERIFIER = ScramVerifier.derive("fuzz-password", 4096);

  @FuzzTest(maxDuration = "30s")
  void parsersReportInsteadOfThrowing(FuzzedDataProvider data) {
    byte[] first = data.consumeBytes(data.consumeInt(0, 3000));
    byte[] fin = data.consumeRemainingAsBytes();
    try {
      ScramMessages.ClientFirst parsed = ScramMessages.clientFirst(first);
      assertThat(parsed.nonce()).isNotEmpty();
    } catch (ScramFormatException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    try {
      ScramMessages.ClientFinal parsed = ScramMessages.clientFinal(fin);
      assertThat(parsed.proof()).isNotEmpty();
    } catch (ScramFormatException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "30s")
  void anExchangeWithoutThePasswordNeverAuthenticates(FuzzedDataProvider data) {
    ScramServer server = new ScramServer(VERIFIER);
    String first = "n,,n=," + "r=" + data.consumeAsciiString(40);
    try {
      String serverFirst = server.serverFirst(first.getBytes(StandardCharsets.UTF_8));
      String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
      String fin =
          data.consumeBoolean()
              ? "c=biws,r=" + nonce + ",p=" + data.consumeRemainingAsString()
              : data.consumeRemainingAsString();
      server.serverFinal(fin.getBytes(StandardCharsets.UTF_8));
      throw new AssertionError("authenticated without the password");
    } catch (ScramFormatException | ScramAuthenticationException e) {
      assertThat(server.authenticated()).isFalse();
    }
  }
}
