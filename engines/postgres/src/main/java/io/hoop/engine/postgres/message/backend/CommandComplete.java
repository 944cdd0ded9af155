package io.hoop.engine.postgres.message.backend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** CommandComplete ('C'): a statement finished; the tag says what it did, e.g. "SELECT 3". */
public record CommandComplete(String tag) implements BackendMessage {
  public static final byte TYPE = 'C';

  public CommandComplete {
    requireNonNull(tag, "tag");
  }

  /** The row count at the end of the tag ("INSERT 0 5" gives 5), or -1 when it has none. */
  public long rows() {
    int space = tag.lastIndexOf(' ');
    if (space < 0) {
      return -1;
    }
    try {
      return Long.parseLong(tag.substring(space + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Decodes the body of a CommandComplete message. */
  public static CommandComplete decode(ByteBuf body) {
    CommandComplete complete = new CommandComplete(Wire.readCString(body));
    Wire.requireConsumed(body, "CommandComplete");
    return complete;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    Wire.writeCString(out, tag);
    Wire.end(out, at);
  }
}
