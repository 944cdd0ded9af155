package io.hoop.engine.postgres.message.frontend;

import io.hoop.engine.postgres.internal.Wire;
import io.hoop.engine.postgres.message.CopyData;
import io.hoop.engine.postgres.message.CopyDone;
import io.netty.buffer.ByteBuf;

/** Maps a client message's type byte to its record. */
public final class FrontendMessages {
  private FrontendMessages() {}

  /**
   * Decodes the body of a typed client message; unknown types become {@link
   * UnknownFrontendMessage}.
   *
   * @throws IllegalArgumentException or {@link IndexOutOfBoundsException} when the body is
   *     malformed
   */
  public static FrontendMessage decode(byte type, ByteBuf body) {
    return switch (type) {
      case Query.TYPE -> Query.decode(body);
      case Parse.TYPE -> Parse.decode(body);
      case Bind.TYPE -> Bind.decode(body);
      case Describe.TYPE -> Describe.decode(body);
      case Execute.TYPE -> Execute.decode(body);
      case Sync.TYPE -> Sync.decode(body);
      case Flush.TYPE -> Flush.decode(body);
      case Close.TYPE -> Close.decode(body);
      case Terminate.TYPE -> Terminate.decode(body);
      case AuthenticationResponse.TYPE -> AuthenticationResponse.decode(body);
      case CopyData.TYPE -> CopyData.decode(body);
      case CopyDone.TYPE -> CopyDone.decode(body);
      case CopyFail.TYPE -> CopyFail.decode(body);
      case FunctionCall.TYPE -> FunctionCall.decode(body);
      default -> new UnknownFrontendMessage(type, Wire.readRemaining(body));
    };
  }
}
