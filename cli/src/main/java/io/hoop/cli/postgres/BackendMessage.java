package io.hoop.cli.postgres;

import java.util.List;
import java.util.Map;

/**
 * The backend messages {@code hoop exec} reads (protocol 3.0, simple query), one record each. The
 * decoder makes them from a frame's body; a type the client has no use for stays {@link Other}.
 */
public sealed interface BackendMessage {
  /** {@code R}: the authentication request; 0 is AuthenticationOk. */
  record Authentication(int code) implements BackendMessage {}

  /** {@code S}. */
  record ParameterStatus(String name, String value) implements BackendMessage {}

  /** {@code K}: what a CancelRequest names; the key is 4 bytes in 3.0, up to 256 in 3.2. */
  record BackendKeyData(int processId, byte[] secretKey) implements BackendMessage {
    @Override
    public String toString() {
      return "BackendKeyData[processId=" + processId + ", secretKey=<" + secretKey.length + ">]";
    }
  }

  /** {@code Z}: {@code I} idle, {@code T} in a transaction, {@code E} in a failed one. */
  record ReadyForQuery(char status) implements BackendMessage {}

  /** {@code T}. */
  record RowDescription(List<Column> columns) implements BackendMessage {}

  /** One column of a RowDescription; {@code format} 0 is text. */
  record Column(String name, int tableOid, int typeOid, int format) {}

  /** {@code D}: one row's values as sent (null for SQL NULL). */
  record DataRow(List<byte[]> values) implements BackendMessage {}

  /** {@code C}: the command tag, e.g. {@code INSERT 0 1}. */
  record CommandComplete(String tag) implements BackendMessage {}

  /** {@code I}: the query string held no statement. */
  record EmptyQueryResponse() implements BackendMessage {}

  /** {@code E}, {@code N}: the fields by their one-letter code (S, V, C, M, D, H, P, ...). */
  record Notice(boolean error, Map<Character, String> fields) implements BackendMessage {
    public String severity() {
      return fields.getOrDefault('V', fields.getOrDefault('S', error ? "ERROR" : "NOTICE"));
    }

    public String code() {
      return fields.get('C');
    }

    public String message() {
      return fields.getOrDefault('M', "");
    }

    public String detail() {
      return fields.get('D');
    }

    public String hint() {
      return fields.get('H');
    }

    public String position() {
      return fields.get('P');
    }
  }

  /** {@code G} CopyInResponse, {@code H} CopyOutResponse, {@code W} CopyBothResponse. */
  record CopyResponse(char type, int format, int columns) implements BackendMessage {}

  /** {@code d}. */
  record CopyData(byte[] data) implements BackendMessage {}

  /** {@code c}. */
  record CopyDone() implements BackendMessage {}

  /** {@code A}. */
  record Notification(int processId, String channel, String payload) implements BackendMessage {}

  /** {@code v}: the server speaks an older minor version; the client asks for nothing optional. */
  record NegotiateProtocolVersion(int minor, List<String> unknownOptions)
      implements BackendMessage {}

  /** Any other type: the extended protocol's answers, or something new. */
  record Other(char type, int length) implements BackendMessage {}
}
