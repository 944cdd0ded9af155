package io.hoop.engine.postgres.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.postgres.message.CopyData;
import io.hoop.engine.postgres.message.CopyDone;
import io.hoop.engine.postgres.message.PostgresMessage;
import io.hoop.engine.postgres.message.backend.AuthenticationCleartextPassword;
import io.hoop.engine.postgres.message.backend.AuthenticationMd5Password;
import io.hoop.engine.postgres.message.backend.AuthenticationOk;
import io.hoop.engine.postgres.message.backend.AuthenticationSasl;
import io.hoop.engine.postgres.message.backend.AuthenticationSaslContinue;
import io.hoop.engine.postgres.message.backend.AuthenticationSaslFinal;
import io.hoop.engine.postgres.message.backend.BackendKeyData;
import io.hoop.engine.postgres.message.backend.BindComplete;
import io.hoop.engine.postgres.message.backend.CloseComplete;
import io.hoop.engine.postgres.message.backend.CommandComplete;
import io.hoop.engine.postgres.message.backend.CopyBothResponse;
import io.hoop.engine.postgres.message.backend.CopyInResponse;
import io.hoop.engine.postgres.message.backend.CopyOutResponse;
import io.hoop.engine.postgres.message.backend.DataRow;
import io.hoop.engine.postgres.message.backend.EmptyQueryResponse;
import io.hoop.engine.postgres.message.backend.ErrorResponse;
import io.hoop.engine.postgres.message.backend.Field;
import io.hoop.engine.postgres.message.backend.NegotiateProtocolVersion;
import io.hoop.engine.postgres.message.backend.NoData;
import io.hoop.engine.postgres.message.backend.NoticeResponse;
import io.hoop.engine.postgres.message.backend.NotificationResponse;
import io.hoop.engine.postgres.message.backend.ParameterDescription;
import io.hoop.engine.postgres.message.backend.ParameterStatus;
import io.hoop.engine.postgres.message.backend.ParseComplete;
import io.hoop.engine.postgres.message.backend.PortalSuspended;
import io.hoop.engine.postgres.message.backend.ReadyForQuery;
import io.hoop.engine.postgres.message.backend.RowDescription;
import io.hoop.engine.postgres.message.backend.UnknownBackendMessage;
import io.hoop.engine.postgres.message.frontend.AuthenticationResponse;
import io.hoop.engine.postgres.message.frontend.Bind;
import io.hoop.engine.postgres.message.frontend.CancelRequest;
import io.hoop.engine.postgres.message.frontend.Close;
import io.hoop.engine.postgres.message.frontend.CopyFail;
import io.hoop.engine.postgres.message.frontend.Describe;
import io.hoop.engine.postgres.message.frontend.Execute;
import io.hoop.engine.postgres.message.frontend.Flush;
import io.hoop.engine.postgres.message.frontend.FunctionCall;
import io.hoop.engine.postgres.message.frontend.GssEncRequest;
import io.hoop.engine.postgres.message.frontend.ObjectKind;
import io.hoop.engine.postgres.message.frontend.Parse;
import io.hoop.engine.postgres.message.frontend.Query;
import io.hoop.engine.postgres.message.frontend.SslRequest;
import io.hoop.engine.postgres.message.frontend.StartupMessage;
import io.hoop.engine.postgres.message.frontend.Sync;
import io.hoop.engine.postgres.message.frontend.Terminate;
import io.hoop.engine.postgres.message.frontend.UnknownFrontendMessage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CodecRoundTripTest {
  private static final StartupMessage STARTUP =
      StartupMessage.of(Map.of("user", "alice", "database", "shop"));

  static Stream<PostgresMessage> frontendMessages() {
    return Stream.of(
        new Query("SELECT 1; SELECT 'é'"),
        new Parse("s1", "SELECT $1::int", List.of(23)),
        new Parse("", "SELECT 1", List.of()),
        new Bind(
            "p1",
            "s1",
            List.of((short) 0, (short) 1),
            Arrays.asList("42".getBytes(StandardCharsets.UTF_8), null),
            List.of((short) 1)),
        new Describe(ObjectKind.STATEMENT, "s1"),
        new Describe(ObjectKind.PORTAL, ""),
        new Execute("p1", 100),
        Sync.INSTANCE,
        Flush.INSTANCE,
        new Close(ObjectKind.PORTAL, "p1"),
        Terminate.INSTANCE,
        AuthenticationResponse.password("md5abc"),
        AuthenticationResponse.saslInitial("SCRAM-SHA-256", "n,,n=,r=abc".getBytes()),
        AuthenticationResponse.saslResponse("c=biws,r=abc,p=xyz".getBytes()),
        new CopyData(new byte[] {1, 2, 3}),
        CopyDone.INSTANCE,
        new CopyFail("aborted by user"),
        new FunctionCall(new byte[] {0, 0, 0, 42, 0, 0}),
        new UnknownFrontendMessage((byte) '!', new byte[] {9, 8}));
  }

  static Stream<PostgresMessage> backendMessages() {
    Map<Character, String> fields = new LinkedHashMap<>();
    fields.put(Field.SEVERITY, "ERROR");
    fields.put(Field.SQLSTATE, "42P01");
    fields.put(Field.MESSAGE, "relation \"x\" does not exist");
    fields.put(Field.POSITION, "15");
    return Stream.of(
        AuthenticationOk.INSTANCE,
        AuthenticationCleartextPassword.INSTANCE,
        new AuthenticationMd5Password(new byte[] {1, 2, 3, 4}),
        new AuthenticationSasl(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")),
        new AuthenticationSaslContinue("r=abc,s=c2FsdA==,i=4096".getBytes()),
        new AuthenticationSaslFinal("v=c2ln".getBytes()),
        new ParameterStatus("server_version", "17.2"),
        new BackendKeyData(1234, -99),
        new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE),
        new ReadyForQuery(ReadyForQuery.TransactionStatus.FAILED),
        new RowDescription(
            List.of(
                new RowDescription.Column("id", 16384, (short) 1, 23, (short) 4, -1, (short) 0),
                new RowDescription.Column(
                    "email", 16384, (short) 2, 25, (short) -1, -1, (short) 1))),
        new DataRow(Arrays.asList("1".getBytes(), null, new byte[0])),
        new CommandComplete("INSERT 0 5"),
        new ErrorResponse(fields),
        ErrorResponse.of("ERROR", "42501", "blocked").with(Field.HINT, "ask an admin"),
        NoticeResponse.of("WARNING", "01000", "grant expires in 5 minutes"),
        ParseComplete.INSTANCE,
        BindComplete.INSTANCE,
        CloseComplete.INSTANCE,
        NoData.INSTANCE,
        new ParameterDescription(List.of(23, 25)),
        new CopyInResponse((byte) 0, List.of((short) 0, (short) 0)),
        new CopyOutResponse((byte) 1, List.of((short) 1)),
        new CopyBothResponse((byte) 0, List.of()),
        new CopyData("1\talice\n".getBytes()),
        CopyDone.INSTANCE,
        EmptyQueryResponse.INSTANCE,
        PortalSuspended.INSTANCE,
        new NegotiateProtocolVersion(0, List.of("_pq_.compression")),
        new NotificationResponse(77, "jobs", "{\"id\":1}"),
        new UnknownBackendMessage((byte) 'V', new byte[] {0, 0, 0, 1, 5}));
  }

  @ParameterizedTest
  @MethodSource("frontendMessages")
  void frontendMessageRoundTrips(PostgresMessage message) {
    byte[] wire = Wires.bytes(STARTUP, message);
    for (int chunk : new int[] {1, 3, wire.length}) {
      List<Object> decoded = Wires.decode(new FrontendDecoder(), wire, chunk);
      assertThat(decoded).hasSize(2);
      assertThat(decoded.get(0)).isEqualTo(STARTUP);
      assertSame(message, decoded.get(1));
    }
  }

  @ParameterizedTest
  @MethodSource("backendMessages")
  void backendMessageRoundTrips(PostgresMessage message) {
    byte[] wire = Wires.bytes(message, message);
    for (int chunk : new int[] {1, 7, wire.length}) {
      List<Object> decoded = Wires.decode(new BackendDecoder(), wire, chunk);
      assertThat(decoded).hasSize(2);
      assertSame(message, decoded.get(0));
      assertSame(message, decoded.get(1));
    }
  }

  @ParameterizedTest
  @MethodSource("startupMessages")
  void startupPhaseMessagesRoundTrip(PostgresMessage message) {
    List<Object> decoded = Wires.decode(new FrontendDecoder(), Wires.bytes(message), 1);
    assertThat(decoded).containsExactly(message);
  }

  static Stream<PostgresMessage> startupMessages() {
    return Stream.of(
        SslRequest.INSTANCE,
        GssEncRequest.INSTANCE,
        new CancelRequest(4242, 0x7eadbeef),
        STARTUP,
        new StartupMessage(StartupMessage.PROTOCOL_3_0 + 2, Map.of("user", "bob")));
  }

  /** Records holding arrays compare by identity, so equality is checked on the wire form. */
  private static void assertSame(PostgresMessage expected, Object actual) {
    assertThat(actual).isInstanceOf(expected.getClass());
    assertThat(Wires.bytes((PostgresMessage) actual)).isEqualTo(Wires.bytes(expected));
    if (!hasArrays(expected)) {
      assertThat(actual).isEqualTo(expected);
    }
  }

  private static boolean hasArrays(PostgresMessage m) {
    return Arrays.stream(m.getClass().getRecordComponents())
        .anyMatch(
            c ->
                c.getType().isArray()
                    || c.getName().equals("parameters")
                    || c.getName().equals("fields") && m instanceof DataRow);
  }
}
