package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.ApiError;
import io.hoop.cli.broker.BrokerException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ExitCodesTest {
  @Test
  void eachFailureKindHasItsDocumentedCode() {
    assertThat(ExitCodes.of(new HoopException("x"))).isEqualTo(1);
    assertThat(ExitCodes.of(new IllegalStateException("x"))).isEqualTo(1);
    assertThat(ExitCodes.of(new UncheckedIOException(new java.io.IOException("x")))).isEqualTo(1);
    assertThat(ExitCodes.of(new HoopException.Usage("x"))).isEqualTo(2);
    assertThat(
            ExitCodes.of(
                new CommandLine.ParameterException(
                    new CommandLine(new Hoop(CliEnvironment.of(java.util.Map.of()))), "x")))
        .isEqualTo(2);
    assertThat(ExitCodes.of(new HoopException.Denied("x"))).isEqualTo(3);
    assertThat(ExitCodes.of(new HoopException.Pending("x"))).isEqualTo(4);
    assertThat(ExitCodes.of(new HoopException.GrantEnded("x"))).isEqualTo(5);
    assertThat(ExitCodes.of(new HoopException.NotLoggedIn("x"))).isEqualTo(6);
  }

  @Test
  void brokerErrorsMapByHttpStatus() {
    ApiError error = new ApiError("denied", "no entitlement for prod-db", "ask for access");
    assertThat(ExitCodes.of(new BrokerException(401, error))).isEqualTo(6);
    assertThat(ExitCodes.of(new BrokerException(403, error))).isEqualTo(3);
    assertThat(ExitCodes.of(new BrokerException(400, error))).isEqualTo(3);
    assertThat(ExitCodes.of(new BrokerException(409, error))).isEqualTo(3);
    assertThat(ExitCodes.of(new BrokerException(404, null))).isEqualTo(1);
    assertThat(ExitCodes.of(new BrokerException(500, null))).isEqualTo(1);
    assertThat(new BrokerException(403, error).getMessage())
        .isEqualTo("no entitlement for prod-db (ask for access)");
    assertThat(new BrokerException(502, null).getMessage())
        .isEqualTo("broker answered HTTP 502 without an error message");
  }

  @Test
  void unexpectedExceptionsSayHowToSeeMore() {
    assertThat(ErrorHandlers.message(new NullPointerException("boom"), false))
        .isEqualTo("internal error: NullPointerException: boom (run with --debug for details)");
    assertThat(ErrorHandlers.message(new HoopException("cannot reach broker"), false))
        .isEqualTo("cannot reach broker");
  }
}
