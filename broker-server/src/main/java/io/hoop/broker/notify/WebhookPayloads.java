package io.hoop.broker.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hoop.api.Approval;
import io.hoop.api.Grant;
import io.hoop.api.HeldOperation;
import io.hoop.api.Json;
import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.config.NotificationsSection.Format;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The bodies webhooks receive. Generic JSON: {@code {event, grant, at}} with the grant as the API
 * shows it (never its token). Slack: {@code {text, blocks}} with a one-line summary; for pending
 * requests it names the {@code hoop approve} command.
 */
public final class WebhookPayloads {
  /** Header carrying {@code sha256=<hex HMAC-SHA256 of the body>} when the webhook has a secret. */
  public static final String SIGNATURE_HEADER = "X-Hoop-Signature";

  private WebhookPayloads() {}

  /** The generic body. */
  record JsonBody(String event, Grant grant, Instant at) {}

  /** The body for {@code format}. */
  public static byte[] body(Format format, Event event, Grant grant, Instant at) {
    Grant g = grant.withoutToken();
    Object value = format == Format.SLACK ? slack(event, g) : new JsonBody(event.wireName(), g, at);
    try {
      return Json.mapper().writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the " + event.wireName() + " payload", e);
    }
  }

  /** The generic body of a held operation. */
  record HoldBody(String event, HeldOperation hold, Instant at) {}

  /**
   * The body for a held operation: {@code {event: "hold", hold, at}}, or for Slack a summary and
   * the operation in a code block (escaped: it may contain anything its session sent).
   */
  public static byte[] holdBody(Format format, HeldOperation h, Instant at) {
    Object value;
    if (format == Format.SLACK) {
      String summary = holdSummary(h);
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("text", escape(summary));
      body.put(
          "blocks",
          List.of(
              section(icon(Event.HOLD) + " " + escape(summary)),
              section("```" + escape(visible(h.operation())).replace("`", "'") + "```"),
              section(
                  "Approve: `hoop approve "
                      + h.id()
                      + "`\nDeny: `hoop deny "
                      + h.id()
                      + " --reason ...`")));
      value = body;
    } else {
      value = new HoldBody(Event.HOLD.wireName(), h, at);
    }
    try {
      return Json.mapper().writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the hold payload", e);
    }
  }

  /** One line naming who, where, what kind and the command that approves it. */
  public static String holdSummary(HeldOperation h) {
    return clean(h.principal())
        + "'s "
        + clean(h.kind())
        + " operation waits for a reviewer on "
        + clean(h.target())
        + " (task "
        + clean(h.task())
        + ", rule "
        + clean(h.rule())
        + ") - approve with: hoop approve "
        + h.id();
  }

  /** Control characters as escapes ({@code \\n}, {@code \\u001b}): shown, never acted on. */
  static String visible(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            c -> {
              if (c == '\\') {
                sb.append("\\\\");
              } else if (c == '\n') {
                sb.append("\\n");
              } else if (c == '\t') {
                sb.append("\\t");
              } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                sb.append(String.format("\\u%04x", c));
              } else {
                sb.appendCodePoint(c);
              }
            });
    return sb.toString();
  }

  /** {@code sha256=} and the lower-case hex HMAC-SHA256 of {@code body} under {@code secret}. */
  public static String signature(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
    }
  }

  /** The one-line summary (plain text, used as Slack's notification text). */
  public static String summary(Event event, Grant g) {
    String who = clean(g.principal());
    String what = clean(g.target()) + " (task " + clean(g.task()) + ")";
    String by = g.decidedBy() == null ? "policy" : clean(g.decidedBy());
    return switch (event) {
      case PENDING ->
          who
              + " requests access to "
              + what
              + (g.reason() == null ? "" : ": \"" + clean(g.reason()) + "\"")
              + " - approve with: hoop approve "
              + g.id();
      case APPROVED ->
          who
              + "'s access to "
              + what
              + " was approved by "
              + by
              + (g.expiresAt() == null ? "" : ", expires " + g.expiresAt());
      case DENIED -> who + "'s request for " + what + " was denied by " + by + reason(g);
      case REVOKED -> who + "'s access to " + what + " was revoked by " + by + reason(g);
      case EXPIRING -> who + "'s access to " + what + " expires at " + g.expiresAt();
      case BREAK_GLASS ->
          who
              + " broke the glass on "
              + what
              + reason(g)
              + " - access until "
              + g.expiresAt()
              + "; review it with: hoop approve "
              + g.id();
      case HOLD -> throw new IllegalArgumentException("a hold's summary is holdSummary");
    };
  }

  private static Map<String, Object> slack(Event event, Grant g) {
    String summary = summary(event, g);
    List<Object> blocks = new ArrayList<>();
    blocks.add(section(icon(event) + " " + escape(summary)));
    if (event == Event.PENDING) {
      blocks.add(
          section(
              "Approve: `hoop approve "
                  + g.id()
                  + "`\nDeny: `hoop deny "
                  + g.id()
                  + " --reason ...`"));
    }
    StringBuilder ctx = new StringBuilder("grant " + g.id() + " · status " + g.status());
    if (!g.approvals().isEmpty()) {
      ctx.append(" · approvals: ");
      ctx.append(
          String.join(
              ", ",
              g.approvals().stream().map(Approval::approver).map(WebhookPayloads::clean).toList()));
    }
    blocks.add(
        Map.of(
            "type",
            "context",
            "elements",
            List.of(Map.of("type", "mrkdwn", "text", escape(ctx.toString())))));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", escape(summary));
    body.put("blocks", blocks);
    return body;
  }

  private static Map<String, Object> section(String mrkdwn) {
    return Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", mrkdwn));
  }

  private static String icon(Event event) {
    return switch (event) {
      case PENDING -> ":hourglass_flowing_sand:";
      case APPROVED -> ":white_check_mark:";
      case DENIED -> ":no_entry:";
      case REVOKED -> ":octagonal_sign:";
      case EXPIRING -> ":alarm_clock:";
      case BREAK_GLASS -> ":rotating_light:";
      case HOLD -> ":raised_hand:";
    };
  }

  private static String reason(Grant g) {
    return g.decisionReason() == null ? "" : ": " + clean(g.decisionReason());
  }

  /** One line: requester-supplied text must not break the summary into several. */
  private static String clean(String s) {
    if (s == null) {
      return "-";
    }
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(c -> sb.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    return sb.toString();
  }

  /**
   * Slack's three control characters. Without this a reason like {@code <!channel>} would page a
   * whole channel.
   */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
