package io.hoop.cli.postgres;

import static io.hoop.cli.postgres.BackendDecoderTest.bytes;
import static io.hoop.cli.postgres.BackendDecoderTest.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A session against scripted engine answers: holds, refusals, COPY, FATAL. */
class PgSessionTest {
  static final byte[] LOGIN =
      concat(
          frame('R', bytes(0, 0, 0, 0)),
          frame('S', z("server_version", "17")),
          frame('K', bytes(0, 0, 0, 7, 1, 2, 3, 4)),
          frame('Z', bytes('I')));

  final List<String> events = new ArrayList<>();
  final ByteArrayOutputStream sent = new ByteArrayOutputStream();

  final PgSession.Listener listener =
      new PgSession.Listener() {
        @Override
        public void notice(StatementResult.Message notice) {
          events.add("notice " + notice.message());
        }

        @Override
        public void held(String holdId) {
          events.add("held " + holdId);
        }

        @Override
        public void holdEnded() {
          events.add("decided");
        }
      };

  static byte[] z(String... strings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String s : strings) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      out.write(0);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] error(String severity, String code, String message, String hint) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(concat(bytes('S'), z(severity), bytes('C'), z(code), bytes('M'), z(message)));
    if (hint != null) {
      b.writeBytes(concat(bytes('H'), z(hint)));
    }
    b.write(0);
    return b.toByteArray();
  }

  PgSession open(byte[]... answers) throws Exception {
    byte[] stream = concat(LOGIN, concat(answers));
    return PgSession.open(
        () -> new PgSession.Stream(new ByteArrayInputStream(stream), sent, () -> {}),
        null,
        listener);
  }

  static SqlScript.Statement st(String sql) {
    return new SqlScript.Statement(1, 1, sql);
  }

  @Test
  void aHeldStatementIsAnnouncedThenDecided() throws Exception {
    try (PgSession s =
        open(
            frame(
                'N',
                concat(
                    bytes('S'),
                    z("NOTICE"),
                    bytes('M'),
                    z("hoop: this postgres operation is held for review as h-abc (rule r)"),
                    bytes(0))),
            frame('C', z("DELETE 1")),
            frame('Z', bytes('I')))) {
      StatementResult r = s.run(st("delete from t where id = 1"));
      assertThat(r.status()).isEqualTo(StatementResult.OK);
      assertThat(r.command()).isEqualTo("DELETE 1");
      assertThat(events)
          .containsExactly(
              "notice hoop: this postgres operation is held for review as h-abc (rule r)",
              "held h-abc",
              "decided");
    }
  }

  @Test
  void onlyTheEnginesOwnRefusalsReadAsBlocked() throws Exception {
    try (PgSession s =
        open(
            frame(
                'E',
                error(
                    "ERROR",
                    "42501",
                    "statement blocked by guardrail statement:DROP: no",
                    "hoop guardrails of this target deny it; ask the target's owner")),
            frame('Z', bytes('I')),
            frame('E', error("ERROR", "42501", "permission denied for table t", null)),
            frame('Z', bytes('I')),
            frame(
                'E',
                error(
                    "ERROR",
                    "57014",
                    "statement held for review as h-1 by guardrail statement:DELETE did not run: no reviewer decided within 5m",
                    "send it again to ask for a new approval")),
            frame('Z', bytes('I')),
            frame(
                'E',
                error(
                    "ERROR",
                    "57014",
                    "statement held for review as h-2 by guardrail statement:DELETE did not run: cancelled by the client",
                    null)),
            frame('Z', bytes('I')))) {
      assertThat(s.run(st("drop table t")).status()).isEqualTo(StatementResult.BLOCKED);
      assertThat(s.run(st("select * from t")).status()).isEqualTo(StatementResult.FAILED);
      assertThat(s.run(st("delete from t")).status()).isEqualTo(StatementResult.BLOCKED);
      StatementResult cancelled = s.run(st("delete from t"));
      assertThat(cancelled.status()).isEqualTo(StatementResult.FAILED);
      assertThat(cancelled.error().code()).isEqualTo("57014");
    }
  }

  @Test
  void copyOutIsCollectedAndCopyInIsRefusedWithCopyFail() throws Exception {
    try (PgSession s =
        open(
            frame('H', bytes(0, 0, 1, 0, 0)),
            frame('d', "1\tx\n".getBytes(StandardCharsets.UTF_8)),
            frame('c', new byte[0]),
            frame('C', z("COPY 1")),
            frame('Z', bytes('I')),
            frame('G', bytes(0, 0, 0)),
            frame(
                'E',
                error(
                    "ERROR",
                    "57014",
                    "COPY from stdin failed: hoop exec sends no COPY data",
                    null)),
            frame('Z', bytes('I')))) {
      StatementResult out = s.run(st("copy t to stdout"));
      assertThat(out.copy()).isEqualTo("1\tx\n");
      assertThat(out.command()).isEqualTo("COPY 1");
      sent.reset();
      StatementResult in = s.run(st("copy t from stdin"));
      assertThat(in.status()).isEqualTo(StatementResult.FAILED);
      byte[] wire = sent.toByteArray();
      // The Query, then a CopyFail ('f').
      int queryLength = java.nio.ByteBuffer.wrap(wire, 1, 4).getInt();
      assertThat((char) wire[1 + queryLength]).isEqualTo('f');
    }
  }

  @Test
  void aFatalEndsTheSessionWithItsMessage() throws Exception {
    try (PgSession s = open(frame('E', error("FATAL", "57P01", "grant g-1 expired", null)))) {
      assertThatThrownBy(() -> s.run(st("select 1")))
          .isInstanceOf(PgSession.SessionEnded.class)
          .hasMessage("FATAL 57P01: grant g-1 expired");
    }
    assertThatThrownBy(
            () ->
                PgSession.open(
                    () ->
                        new PgSession.Stream(
                            new ByteArrayInputStream(
                                frame('E', error("FATAL", "28000", "no credentials", null))),
                            sent,
                            () -> {}),
                    null,
                    listener))
        .isInstanceOf(PgSession.SessionEnded.class)
        .hasMessageContaining("28000");
  }
}
