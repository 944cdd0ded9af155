package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.hoop.engine.postgres.message.CopyData;
import io.hoop.engine.postgres.message.CopyDone;
import io.netty.buffer.ByteBuf;

/** Maps a server message's type byte to its record. */
public final class BackendMessages {
  /** The type byte of all authentication requests ('R'). */
  public static final byte AUTHENTICATION = 'R';

  private BackendMessages() {}

  /**
   * Decodes the body of a typed server message; unknown types become {@link UnknownBackendMessage}.
   *
   * @throws IllegalArgumentException or {@link IndexOutOfBoundsException} when the body is
   *     malformed
   */
  public static BackendMessage decode(byte type, ByteBuf body) {
    return switch (type) {
      case AUTHENTICATION -> authentication(body);
      case ParameterStatus.TYPE -> ParameterStatus.decode(body);
      case BackendKeyData.TYPE -> BackendKeyData.decode(body);
      case ReadyForQuery.TYPE -> ReadyForQuery.decode(body);
      case RowDescription.TYPE -> RowDescription.decode(body);
      case DataRow.TYPE -> DataRow.decode(body);
      case CommandComplete.TYPE -> CommandComplete.decode(body);
      case ErrorResponse.TYPE -> ErrorResponse.decode(body);
      case NoticeResponse.TYPE -> NoticeResponse.decode(body);
      case ParseComplete.TYPE -> ParseComplete.decode(body);
      case BindComplete.TYPE -> BindComplete.decode(body);
      case CloseComplete.TYPE -> CloseComplete.decode(body);
      case NoData.TYPE -> NoData.decode(body);
      case ParameterDescription.TYPE -> ParameterDescription.decode(body);
      case CopyInResponse.TYPE -> CopyInResponse.decode(body);
      case CopyOutResponse.TYPE -> CopyOutResponse.decode(body);
      case CopyBothResponse.TYPE -> CopyBothResponse.decode(body);
      case CopyData.TYPE -> CopyData.decode(body);
      case CopyDone.TYPE -> CopyDone.decode(body);
      case EmptyQueryResponse.TYPE -> EmptyQueryResponse.decode(body);
      case PortalSuspended.TYPE -> PortalSuspended.decode(body);
      case NegotiateProtocolVersion.TYPE -> NegotiateProtocolVersion.decode(body);
      case NotificationResponse.TYPE -> NotificationResponse.decode(body);
      default -> new UnknownBackendMessage(type, Wire.readRemaining(body));
    };
  }

  private static BackendMessage authentication(ByteBuf body) {
    int start = body.readerIndex();
    int code = body.readInt();
    return switch (code) {
      case AuthenticationOk.CODE -> {
        Wire.requireConsumed(body, "AuthenticationOk");
        yield AuthenticationOk.INSTANCE;
      }
      case AuthenticationCleartextPassword.CODE -> {
        Wire.requireConsumed(body, "AuthenticationCleartextPassword");
        yield AuthenticationCleartextPassword.INSTANCE;
      }
      case AuthenticationMd5Password.CODE -> AuthenticationMd5Password.decode(body);
      case AuthenticationSasl.CODE -> AuthenticationSasl.decode(body);
      case AuthenticationSaslContinue.CODE -> AuthenticationSaslContinue.decode(body);
      case AuthenticationSaslFinal.CODE -> AuthenticationSaslFinal.decode(body);
      default -> {
        // Kerberos, GSSAPI and SSPI requests are passed on whole for the caller to refuse.
        body.readerIndex(start);
        yield new UnknownBackendMessage(AUTHENTICATION, Wire.readRemaining(body));
      }
    };
  }
}
