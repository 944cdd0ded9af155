package io.hoop.engine.postgres.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.postgres.message.DecodeFailure;
import io.hoop.engine.postgres.message.backend.AuthenticationSasl;
import io.hoop.engine.postgres.message.backend.EncryptionResponse;
import io.hoop.engine.postgres.message.backend.ReadyForQuery;
import io.hoop.engine.postgres.message.backend.UnknownBackendMessage;
import io.hoop.engine.postgres.message.frontend.AuthenticationResponse;
import io.hoop.engine.postgres.message.frontend.CancelRequest;
import io.hoop.engine.postgres.message.frontend.Query;
import io.hoop.engine.postgres.message.frontend.SslRequest;
import io.hoop.engine.postgres.message.frontend.StartupMessage;
import io.hoop.engine.postgres.message.frontend.Sync;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecoderHostileInputTest {
  private static final StartupMessage STARTUP = StartupMessage.of(Map.of("user", "u"));

  @Test
  void twoGigabyteDeclaredLengthIsRefusedWithoutBuffering() {
    EmbeddedChannel channel = new EmbeddedChannel(new FrontendDecoder());
    channel.writeInbound(Unpooled.wrappedBuffer(Wires.bytes(STARTUP)));
    assertThat(channel.<Object>readInbound()).isEqualTo(STARTUP);
    channel.writeInbound(Unpooled.buffer().writeByte('Q').writeInt(0x7fff_fff0).writeByte('S'));
    DecodeFailure failure = channel.readInbound();
    assertThat(failure.message())
        .isEqualTo(
            "client message of type 'Q' declares 2147483632 bytes, more than the maximum of"
                + " 1073741824");
    // Everything after a failure is discarded, including well-formed messages.
    channel.writeInbound(Unpooled.wrappedBuffer(Wires.bytes(new Query("SELECT 1"))));
    assertThat(channel.<Object>readInbound()).isNull();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void configuredMaximumApplies() {
    byte[] wire = Wires.bytes(STARTUP, new Query("x".repeat(100)));
    List<Object> out = Wires.decode(new FrontendDecoder(64), wire, wire.length);
    assertThat(out).hasSize(2);
    assertThat(((DecodeFailure) out.get(1)).message()).contains("105 bytes", "maximum of 64");
    assertThatThrownBy(() -> new FrontendDecoder((1 << 30) + 1))
        .hasMessageContaining("maxMessageBytes is 1073741825, expected 4..1073741824");
  }

  @Test
  void lengthBelowFourIsRefused() {
    byte[] wire = concat(Wires.bytes(STARTUP), new byte[] {'S', 0, 0, 0, 3});
    List<Object> out = Wires.decode(new FrontendDecoder(), wire, 1);
    assertThat(((DecodeFailure) out.get(1)).message())
        .isEqualTo("client message of type 'S' declares length 3, expected at least 4");
  }

  @Test
  void malformedBodiesAreReportedNotThrown() {
    // Bind declaring 5 parameters but carrying none.
    ByteBuf bind = Unpooled.buffer();
    bind.writeByte('B').writeInt(4 + 2 + 2 + 2).writeByte(0).writeByte(0).writeShort(0);
    bind.writeShort(5);
    byte[] wire = concat(Wires.bytes(STARTUP), ByteBufUtil.getBytes(bind));
    bind.release();
    List<Object> out = Wires.decode(new FrontendDecoder(), wire, wire.length);
    assertThat(((DecodeFailure) out.get(1)).message())
        .isEqualTo(
            "malformed client message of type 'B': its fields run past the end of the message");

    byte[] unterminated = concat(Wires.bytes(STARTUP), new byte[] {'Q', 0, 0, 0, 6, 'a', 'b'});
    out = Wires.decode(new FrontendDecoder(), unterminated, 1);
    assertThat(((DecodeFailure) out.get(1)).message())
        .contains("malformed client message of type 'Q'", "not NUL-terminated");

    byte[] trailing = concat(Wires.bytes(STARTUP), new byte[] {'S', 0, 0, 0, 5, 1});
    out = Wires.decode(new FrontendDecoder(), trailing, 1);
    assertThat(((DecodeFailure) out.get(1)).message()).contains("Sync has 1 unexpected trailing");
  }

  @Test
  void startupPhaseRefusesBadVersionsAndSizes() {
    ByteBuf v2 = Unpooled.buffer().writeInt(8).writeInt(2 << 16);
    List<Object> out = Wires.decode(new FrontendDecoder(), ByteBufUtil.getBytes(v2), 8);
    v2.release();
    assertThat(out)
        .containsExactly(new DecodeFailure("unsupported frontend protocol 2.0: expected 3.x"));

    ByteBuf huge = Unpooled.buffer().writeInt(1_000_000).writeInt(3 << 16);
    out = Wires.decode(new FrontendDecoder(), ByteBufUtil.getBytes(huge), 8);
    huge.release();
    assertThat(out)
        .containsExactly(
            new DecodeFailure("startup packet declares length 1000000, expected 8..10000"));

    ByteBuf dup = Unpooled.buffer().writeInt(0).writeInt(3 << 16);
    dup.writeBytes("user\0a\0user\0b\0\0".getBytes());
    dup.setInt(0, dup.readableBytes());
    out = Wires.decode(new FrontendDecoder(), ByteBufUtil.getBytes(dup), 3);
    dup.release();
    assertThat(((DecodeFailure) out.get(0)).message())
        .isEqualTo("malformed StartupMessage: startup parameter \"user\" appears twice");
  }

  @Test
  void sslRequestThenStartupThenMessages() {
    byte[] wire = Wires.bytes(SslRequest.INSTANCE, STARTUP, new Query("SELECT 1"), Sync.INSTANCE);
    assertThat(Wires.decode(new FrontendDecoder(), wire, 2))
        .containsExactly(SslRequest.INSTANCE, STARTUP, new Query("SELECT 1"), Sync.INSTANCE);
  }

  @Test
  void nothingIsDecodedAfterCancelRequest() {
    byte[] wire = Wires.bytes(new CancelRequest(1, 2), new Query("SELECT 1"));
    assertThat(Wires.decode(new FrontendDecoder(), wire, wire.length))
        .containsExactly(new CancelRequest(1, 2));
  }

  @Test
  void cancelRequestSecretIsNotPrinted() {
    assertThat(new CancelRequest(1, 31337).toString()).doesNotContain("31337");
    assertThat(AuthenticationResponse.password("hunter2").toString()).doesNotContain("hunter2");
  }

  @Test
  void passwordAndSaslHelpersReadTheirPayloads() {
    assertThat(AuthenticationResponse.password("pw").password()).isEqualTo("pw");
    AuthenticationResponse.SaslInitial initial =
        AuthenticationResponse.saslInitial("SCRAM-SHA-256", "n,,n=,r=x".getBytes()).saslInitial();
    assertThat(initial.mechanism()).isEqualTo("SCRAM-SHA-256");
    assertThat(new String(initial.data())).isEqualTo("n,,n=,r=x");
    assertThat(AuthenticationResponse.saslInitial("X", null).saslInitial().data()).isNull();
    assertThat(AuthenticationResponse.saslResponse("c=biws".getBytes()).saslText())
        .isEqualTo("c=biws");
  }

  @Test
  void backendAnswerToSslRequestIsOneUnframedByte() {
    byte[] wire =
        concat(new byte[] {'N'}, Wires.bytes(new AuthenticationSasl(List.of("SCRAM-SHA-256"))));
    assertThat(Wires.decode(new BackendDecoder(true, 1 << 20), wire, 1))
        .containsExactly(
            EncryptionResponse.REFUSED, new AuthenticationSasl(List.of("SCRAM-SHA-256")));
    assertThat(Wires.decode(new BackendDecoder(true, 1 << 20), new byte[] {'E'}, 1))
        .containsExactly(
            new DecodeFailure("server answered SSLRequest with byte 'E', expected 'S' or 'N'"));
  }

  @Test
  void unsupportedAuthenticationAndUnknownStatusAreHandled() {
    // AuthenticationGSS (code 7) passes through whole for the engine to refuse.
    byte[] gss = {'R', 0, 0, 0, 8, 0, 0, 0, 7};
    List<Object> out = Wires.decode(new BackendDecoder(), gss, 1);
    UnknownBackendMessage unknown = (UnknownBackendMessage) out.get(0);
    assertThat(unknown.type()).isEqualTo((byte) 'R');
    assertThat(Wires.bytes(unknown)).isEqualTo(gss);

    byte[] badStatus = {'Z', 0, 0, 0, 5, 'Q'};
    out = Wires.decode(new BackendDecoder(), badStatus, 1);
    assertThat(((DecodeFailure) out.get(0)).message())
        .isEqualTo(
            "malformed server message of type 'Z': transaction status byte 81 is not one of 'I',"
                + " 'T', 'E'");
    assertThat(
            Wires.decode(
                new BackendDecoder(),
                Wires.bytes(new ReadyForQuery(ReadyForQuery.TransactionStatus.IN_TRANSACTION)),
                1))
        .hasSize(1);
  }

  @Test
  void encodingRefusesStringsWithNul() {
    assertThatThrownBy(() -> Wires.bytes(new Query("a\0b"))).hasMessageContaining("contains NUL");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
