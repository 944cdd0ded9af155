package io.hoop.cli.audit;

import io.hoop.api.AuditEvent;
import io.hoop.api.AuditPage;
import io.hoop.cli.broker.BrokerClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Reads the caller's audit events from {@code GET /v1/audit}: the newest in a window, then (for
 * {@code --follow}) those recorded after the last one seen.
 */
final class AuditFeed {
  private final BrokerClient client;
  private final Instant since;
  private final Instant until;

  /**
   * @param since only events at or after it, or null
   * @param until only events before it, or null
   */
  AuditFeed(BrokerClient client, Instant since, Instant until) {
    this.client = Objects.requireNonNull(client, "client");
    this.since = since;
    this.until = until;
  }

  /** The newest {@code limit} events of the window, oldest first. */
  List<AuditEvent> newest(int limit) {
    List<AuditEvent> page = new ArrayList<>(fetch("order=desc&limit=" + limit));
    // A broker older than order=desc answers oldest first: sort either way.
    page.sort((a, b) -> Long.compare(a.seq(), b.seq()));
    if (page.size() > limit) {
      page = page.subList(page.size() - limit, page.size());
    }
    return page;
  }

  /** Events recorded after {@code afterSeq} (at most {@code limit}), oldest first. */
  List<AuditEvent> after(long afterSeq, int limit) {
    return fetch("after=" + afterSeq + "&limit=" + limit);
  }

  private List<AuditEvent> fetch(String query) {
    StringBuilder path = new StringBuilder("/v1/audit?").append(query);
    if (since != null) {
      path.append("&since=").append(encode(since.toString()));
    }
    if (until != null) {
      path.append("&until=").append(encode(until.toString()));
    }
    AuditPage page = client.get(path.toString(), AuditPage.class);
    return page == null || page.events() == null ? Collections.emptyList() : page.events();
  }

  private static String encode(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }
}
