package io.hoop.cli.output;

import io.hoop.api.AuditEvent;
import io.hoop.api.AuditPage;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The audit trail as a table, shared by {@code hoop audit} and {@code hoop demo}. */
public final class AuditTable {
  private AuditTable() {}

  public static void print(PrintWriter out, AuditPage page) {
    Table table = new Table("TIME", "TYPE", "PRINCIPAL", "TARGET", "TASK", "DETAILS");
    List<AuditEvent> events = page.events() == null ? List.of() : page.events();
    for (AuditEvent e : events) {
      table.row(
          DurationFormat.local(e.time()),
          e.type(),
          e.principal(),
          e.target(),
          e.task(),
          details(e));
    }
    table.print(out);
  }

  /** One event as one line with the table's columns, for {@code hoop audit --follow}. */
  public static String line(AuditEvent e) {
    return String.join(
        "  ",
        DurationFormat.local(e.time()),
        e.type(),
        e.principal() == null ? "-" : e.principal(),
        e.target() == null ? "-" : e.target(),
        e.task() == null ? "-" : e.task(),
        details(e));
  }

  private static String details(AuditEvent e) {
    Map<String, Object> sorted = new TreeMap<>();
    if (e.grantId() != null) {
      sorted.put("grant", e.grantId());
    }
    if (e.details() != null) {
      sorted.putAll(e.details());
    }
    return sorted.isEmpty()
        ? "-"
        : sorted.entrySet().stream()
            .map(en -> en.getKey() + "=" + en.getValue())
            .collect(Collectors.joining(" "));
  }
}
