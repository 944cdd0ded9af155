package io.hoop.cli.postgres;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What one statement of a script did, as {@code hoop exec -o json} prints it (field names are part
 * of the documented output). Values are the text the engine sent (masked values as masked), null
 * for SQL NULL.
 *
 * @param index the statement's number in the script, from 1
 * @param line the line of the script it starts on
 * @param sql the statement as sent
 * @param status {@value #OK}, {@value #FAILED}, {@value #BLOCKED} or {@value #NOT_RUN}
 * @param command the command tag, e.g. {@code SELECT 2}; null unless it ran
 * @param columns the result's columns; null when the statement returns no rows
 * @param rows the result's rows; null when the statement returns no rows
 * @param copy the data of a {@code COPY ... TO STDOUT}; null otherwise
 * @param notices the notices and warnings it raised, in order
 * @param error why it failed or was blocked; null otherwise
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record StatementResult(
    int index,
    int line,
    String sql,
    String status,
    String command,
    List<ColumnInfo> columns,
    List<List<String>> rows,
    String copy,
    List<Message> notices,
    Message error) {
  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String BLOCKED = "blocked";
  public static final String NOT_RUN = "not_run";

  /** A result column: its name and the PostgreSQL type's OID (23 int4, 25 text, ...). */
  public record ColumnInfo(String name, int typeOid) {}

  /** A NoticeResponse or ErrorResponse: severity, SQLSTATE code, message, optional detail/hint. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Message(
      String severity, String code, String message, String detail, String hint, String position) {
    static Message of(BackendMessage.Notice n) {
      return new Message(n.severity(), n.code(), n.message(), n.detail(), n.hint(), n.position());
    }
  }

  /** A statement that was never sent (an earlier one failed). */
  public static StatementResult notRun(SqlScript.Statement s) {
    return new StatementResult(
        s.index(), s.line(), s.sql(), NOT_RUN, null, null, null, null, List.of(), null);
  }

  /** The same result, now counted as failed: a refusal the broker's record does not confirm. */
  public StatementResult asFailed() {
    return new StatementResult(
        index, line, sql, FAILED, command, columns, rows, copy, notices, error);
  }
}
