package io.hoop.cli.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes what hoop exec reads from the broker and the script it splits: malformed backend bytes end
 * in a protocol error or EOF (never another exception, never a large allocation), a session fed
 * them ends the same way, and a script splits or is refused, in bounded time. Regression mode runs
 * in every build.
 */
class PgFrontendFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void decoderReadsOrRefuses(byte[] input) {
    BackendDecoder decoder = new BackendDecoder(new ByteArrayInputStream(input), 1 << 16);
    for (int i = 0; i < 1000; i++) {
      try {
        BackendMessage m = decoder.read();
        assertThat(m).isNotNull();
      } catch (EOFException e) {
        return;
      } catch (PgProtocolException e) {
        assertThat(e.getMessage()).isNotBlank();
        return;
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  @FuzzTest(maxDuration = "30s")
  void sessionRunsOrEnds(byte[] input) {
    PgSession.Dialer dialer =
        () ->
            new PgSession.Stream(
                new ByteArrayInputStream(input), new ByteArrayOutputStream(), () -> {});
    try (PgSession s = PgSession.open(dialer, "db", BackendDecoderTest.Listeners.NONE)) {
      for (int i = 1; i <= 3; i++) {
        StatementResult r = s.run(new SqlScript.Statement(i, i, "select 1"));
        assertThat(r.status())
            .isIn(StatementResult.OK, StatementResult.FAILED, StatementResult.BLOCKED);
      }
    } catch (PgProtocolException | PgSession.SessionEnded e) {
      assertThat(e.getMessage()).isNotBlank();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void scriptSplitsOrIsRefused(byte[] input) {
    String script = new String(input, StandardCharsets.UTF_8);
    long start = System.nanoTime();
    try {
      for (SqlScript.Statement s : SqlScript.split(script)) {
        assertThat(s.sql()).isNotBlank();
        assertThat(script).contains(s.sql());
      }
    } catch (SqlScript.ScriptException e) {
      assertThat(e.getMessage()).startsWith("line ");
    }
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }
}
