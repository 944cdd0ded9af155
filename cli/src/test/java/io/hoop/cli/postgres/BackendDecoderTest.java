package io.hoop.cli.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The frontend's reader of backend messages, fed well-formed, malformed and hostile bytes. */
class BackendDecoderTest {
  static byte[] frame(char type, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    int len = body.length + 4;
    out.write(len >>> 24);
    out.write(len >>> 16);
    out.write(len >>> 8);
    out.write(len);
    out.writeBytes(body);
    return out.toByteArray();
  }

  static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  static BackendMessage read(byte[] stream) throws Exception {
    return new BackendDecoder(new ByteArrayInputStream(stream), 1 << 20).read();
  }

  @Test
  void decodesTheMessagesOfASimpleQuery() throws Exception {
    ByteArrayOutputStream row = new ByteArrayOutputStream();
    row.writeBytes(bytes(0, 2, 0, 0, 0, 1, '7', 0xff, 0xff, 0xff, 0xff));
    BackendMessage.DataRow d = (BackendMessage.DataRow) read(frame('D', row.toByteArray()));
    assertThat(new String(d.values().get(0), StandardCharsets.UTF_8)).isEqualTo("7");
    assertThat(d.values().get(1)).isNull();

    ByteArrayOutputStream desc = new ByteArrayOutputStream();
    desc.writeBytes(bytes(0, 1));
    desc.writeBytes("id\0".getBytes(StandardCharsets.UTF_8));
    desc.writeBytes(bytes(0, 0, 0x40, 0, 0, 1, 0, 0, 0, 23, 0, 4, 0xff, 0xff, 0xff, 0xff, 0, 0));
    BackendMessage.RowDescription t =
        (BackendMessage.RowDescription) read(frame('T', desc.toByteArray()));
    assertThat(t.columns()).containsExactly(new BackendMessage.Column("id", 0x4000, 23, 0));

    assertThat(read(frame('C', "SELECT 1\0".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(new BackendMessage.CommandComplete("SELECT 1"));
    assertThat(read(frame('Z', bytes('I')))).isEqualTo(new BackendMessage.ReadyForQuery('I'));
    BackendMessage.Notice e =
        (BackendMessage.Notice)
            read(frame('E', "SERROR\0C42501\0Mno\0Hhint\0\0".getBytes(StandardCharsets.UTF_8)));
    assertThat(e.error()).isTrue();
    assertThat(e.fields()).isEqualTo(Map.of('S', "ERROR", 'C', "42501", 'M', "no", 'H', "hint"));
    BackendMessage.BackendKeyData k =
        (BackendMessage.BackendKeyData) read(frame('K', bytes(0, 0, 0, 9, 1, 2, 3, 4)));
    assertThat(k.processId()).isEqualTo(9);
    assertThat(k.toString()).doesNotContain("1, 2, 3, 4");
    assertThat(read(frame('?', bytes(1, 2)))).isEqualTo(new BackendMessage.Other('?', 6));
  }

  @Test
  void lengthsOutOfRangeAreRefusedBeforeAnyAllocation() {
    assertThatThrownBy(() -> read(bytes('D', 0, 0, 0, 3)))
        .isInstanceOf(PgProtocolException.class)
        .hasMessageContaining("declares length 3");
    assertThatThrownBy(() -> read(bytes('D', 0x7f, 0xff, 0xff, 0xff)))
        .isInstanceOf(PgProtocolException.class)
        .hasMessageContaining("declares length 2147483647");
    assertThatThrownBy(() -> read(bytes('D', 0xff, 0xff, 0xff, 0xff)))
        .isInstanceOf(PgProtocolException.class)
        .hasMessageContaining("4294967295");
  }

  @Test
  void truncatedStreamsEndInEof() {
    assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> read(bytes('Z', 0, 0))).isInstanceOf(EOFException.class);
    // A large declared body that never comes.
    assertThatThrownBy(() -> read(bytes('D', 0, 0x0f, 0, 0, 0, 1)))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void malformedBodiesAreProtocolErrors() {
    // A count larger than the body, a value longer than the body, a negative length.
    assertThatThrownBy(() -> read(frame('D', bytes(0x7f, 0xff))))
        .isInstanceOf(PgProtocolException.class)
        .hasMessageContaining("count");
    assertThatThrownBy(() -> read(frame('D', bytes(0, 1, 0, 0, 0, 9, 'x'))))
        .isInstanceOf(PgProtocolException.class);
    assertThatThrownBy(() -> read(frame('D', bytes(0, 1, 0xff, 0xff, 0xff, 0xfe))))
        .isInstanceOf(PgProtocolException.class)
        .hasMessageContaining("length -2");
    assertThatThrownBy(() -> read(frame('D', bytes(0xff, 0xff))))
        .isInstanceOf(PgProtocolException.class);
    // A string without its zero, trailing bytes, a bad status, a short key.
    assertThatThrownBy(() -> read(frame('C', "SELECT".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(PgProtocolException.class)
        .hasMessageContaining("terminating zero");
    assertThatThrownBy(() -> read(frame('Z', bytes('I', 'I'))))
        .isInstanceOf(PgProtocolException.class)
        .hasMessageContaining("left over");
    assertThatThrownBy(() -> read(frame('Z', bytes('X')))).isInstanceOf(PgProtocolException.class);
    assertThatThrownBy(() -> read(frame('K', bytes(0, 0, 0, 1, 2))))
        .isInstanceOf(PgProtocolException.class);
    assertThatThrownBy(() -> read(frame('E', "SERROR\0".getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(PgProtocolException.class);
    assertThatThrownBy(() -> read(frame('T', bytes(0, 1, 'a', 0, 0))))
        .isInstanceOf(PgProtocolException.class);
    assertThatThrownBy(() -> read(frame('v', bytes(0, 0, 0, 0, 0x7f, 0, 0, 0))))
        .isInstanceOf(PgProtocolException.class);
  }

  @Test
  void aSessionRefusesAPasswordRequestAndNeverAnswersIt() throws Exception {
    // AuthenticationCleartextPassword: the engine would never ask; a raw relay's server would.
    byte[] stream = frame('R', bytes(0, 0, 0, 3));
    ByteArrayOutputStream sent = new ByteArrayOutputStream();
    PgSession.Dialer dialer =
        () -> new PgSession.Stream(new ByteArrayInputStream(stream), sent, () -> {});
    assertThatThrownBy(() -> PgSession.open(dialer, "app", Listeners.NONE))
        .isInstanceOf(PgProtocolException.class)
        .hasMessageContaining("asked for a password");
    // Only the StartupMessage went out (user, database, encoding, name), no password message:
    // its length is everything that was sent.
    byte[] out = sent.toByteArray();
    assertThat(java.nio.ByteBuffer.wrap(out).getInt()).isEqualTo(out.length);
    assertThat(new String(out, StandardCharsets.UTF_8))
        .contains("user\0hoop\0database\0app\0client_encoding\0UTF8\0");
  }

  @Test
  void aDataRowThatDoesNotMatchItsDescriptionIsAProtocolError() throws Exception {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes(frame('R', bytes(0, 0, 0, 0)));
    stream.writeBytes(frame('Z', bytes('I')));
    stream.writeBytes(frame('D', bytes(0, 1, 0, 0, 0, 1, 'x')));
    PgSession.Dialer dialer =
        () ->
            new PgSession.Stream(
                new ByteArrayInputStream(stream.toByteArray()),
                new ByteArrayOutputStream(),
                () -> {});
    try (PgSession s = PgSession.open(dialer, null, Listeners.NONE)) {
      assertThatThrownBy(() -> s.run(new SqlScript.Statement(1, 1, "select 1")))
          .isInstanceOf(PgProtocolException.class)
          .hasMessageContaining("RowDescription first");
    }
  }

  /** Listeners for tests. */
  static final class Listeners {
    static final PgSession.Listener NONE =
        new PgSession.Listener() {
          @Override
          public void notice(StatementResult.Message notice) {}

          @Override
          public void held(String holdId) {}

          @Override
          public void holdEnded() {}
        };

    private Listeners() {}
  }
}
