package io.hoop.broker.config;

import io.hoop.api.Durations;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code notifications} section: webhooks called on grant events.
 *
 * @param webhooks where to send events; empty means notifications are off
 * @param expiringBefore how long before an approved grant's expiry the {@code expiring} event fires
 * @param attempts delivery attempts per event and webhook (the first one included)
 * @param backoff delay before the first retry; each further retry waits twice as long
 */
public record NotificationsSection(
    List<Webhook> webhooks, Duration expiringBefore, int attempts, Duration backoff) {
  static final Duration DEFAULT_EXPIRING_BEFORE = Duration.ofMinutes(10);
  static final int DEFAULT_ATTEMPTS = 5;
  static final int MAX_ATTEMPTS = 10;
  static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
  private static final int MAX_SECRET_BYTES = 4096;
  private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");

  /** No webhooks, default timings. */
  public static final NotificationsSection NONE =
      new NotificationsSection(
          List.of(), DEFAULT_EXPIRING_BEFORE, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF);

  public NotificationsSection {
    webhooks = List.copyOf(webhooks);
  }

  /** A grant event a webhook can subscribe to. */
  public enum Event {
    PENDING,
    APPROVED,
    DENIED,
    REVOKED,
    EXPIRING,
    /** Someone broke the glass: immediate access, reviewed afterwards. */
    BREAK_GLASS,
    /** An operation of a live session is held for a reviewer ({@code hoop approve h-...}). */
    HOLD;

    /** The name used in the config and in payloads, e.g. {@code pending}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The body a webhook receives. */
  public enum Format {
    /** {@code {event, grant, at}}. */
    JSON,
    /** A Slack incoming-webhook message: {@code {text, blocks}}. */
    SLACK
  }

  /**
   * One receiver. The URL is treated as a secret too (Slack puts its credential in the path), so it
   * never appears in logs, errors or {@link #toString()}.
   *
   * @param secret HMAC-SHA256 key for the {@code X-Hoop-Signature} header, read from {@code
   *     secretFile}
   */
  public record Webhook(
      String name, URI url, Format format, Set<Event> events, Optional<String> secret) {
    public Webhook {
      events = Set.copyOf(events);
    }

    @Override
    public String toString() {
      return "Webhook[name="
          + name
          + ", host="
          + url.getHost()
          + ", format="
          + format
          + ", events="
          + events
          + ", signed="
          + secret.isPresent()
          + "]";
    }
  }

  /** Whether any webhook wants this event. */
  public boolean wants(Event event) {
    return webhooks.stream().anyMatch(w -> w.events().contains(event));
  }

  /** The raw YAML shape, bound by Jackson. */
  record RawNotifications(
      List<RawWebhook> webhooks, String expiringBefore, Integer attempts, String backoff) {}

  /** One raw webhook entry. */
  record RawWebhook(
      String name, String url, String format, List<String> events, String secretFile) {}

  /** Validates the raw section; {@code source} names the file in errors. */
  static NotificationsSection parse(String source, RawNotifications raw) throws ConfigException {
    if (raw == null) {
      return NONE;
    }
    List<Webhook> hooks = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<RawWebhook> rawHooks = raw.webhooks() == null ? List.of() : raw.webhooks();
    for (int i = 0; i < rawHooks.size(); i++) {
      String key = "notifications.webhooks[" + i + "]";
      RawWebhook rw = rawHooks.get(i);
      if (rw == null) {
        throw error(source, key, "empty entry");
      }
      if (rw.name() == null || rw.name().isBlank()) {
        throw error(source, key + ".name", "missing");
      }
      if (!NAME.matcher(rw.name()).matches()) {
        throw error(
            source, key + ".name", "'" + rw.name() + "' must be lower-case letters, digits, . _ -");
      }
      if (!names.add(rw.name())) {
        throw error(source, key + ".name", "duplicate webhook '" + rw.name() + "'");
      }
      hooks.add(
          new Webhook(
              rw.name(),
              url(source, key + ".url", rw.url()),
              format(source, key + ".format", rw.format()),
              events(source, key + ".events", rw.events()),
              secret(source, key + ".secretFile", rw.secretFile())));
    }
    int attempts = raw.attempts() == null ? DEFAULT_ATTEMPTS : raw.attempts();
    if (attempts < 1 || attempts > MAX_ATTEMPTS) {
      throw error(
          source,
          "notifications.attempts",
          attempts + " is out of range; expected 1-" + MAX_ATTEMPTS);
    }
    return new NotificationsSection(
        hooks,
        duration(
            source, "notifications.expiringBefore", raw.expiringBefore(), DEFAULT_EXPIRING_BEFORE),
        attempts,
        duration(source, "notifications.backoff", raw.backoff(), DEFAULT_BACKOFF));
  }

  private static URI url(String source, String key, String value) throws ConfigException {
    if (value == null || value.isBlank()) {
      throw error(source, key, "missing");
    }
    // The value itself is never echoed: a Slack webhook URL is a credential.
    String expected = "expected an https:// URL, or http:// to 127.0.0.1, ::1 or localhost";
    URI uri;
    try {
      uri = new URI(value.strip());
    } catch (URISyntaxException e) {
      throw error(source, key, "not a URL; " + expected);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || host.isEmpty() || uri.getUserInfo() != null) {
      throw error(source, key, "needs a host and no user info; " + expected);
    }
    boolean loopback = host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("localhost");
    if (!scheme.equals("https") && !(scheme.equals("http") && loopback)) {
      throw error(source, key, "scheme " + scheme + " is not allowed; " + expected);
    }
    return uri;
  }

  private static Format format(String source, String key, String value) throws ConfigException {
    if (value == null || value.equals("json")) {
      return Format.JSON;
    }
    if (value.equals("slack")) {
      return Format.SLACK;
    }
    throw error(source, key, "'" + value + "' is not a format; expected json or slack");
  }

  private static Set<Event> events(String source, String key, List<String> values)
      throws ConfigException {
    if (values == null) {
      return EnumSet.allOf(Event.class);
    }
    if (values.isEmpty()) {
      throw error(source, key, "empty; list events or leave the key out for all of them");
    }
    Set<Event> out = EnumSet.noneOf(Event.class);
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      Event e = null;
      for (Event candidate : Event.values()) {
        if (candidate.wireName().equals(v)) {
          e = candidate;
        }
      }
      if (e == null) {
        throw error(
            source,
            key + "[" + i + "]",
            "'"
                + v
                + "' is not an event; expected pending, approved, denied, revoked, expiring or break_glass");
      }
      if (!out.add(e)) {
        throw error(source, key + "[" + i + "]", "duplicate event '" + v + "'");
      }
    }
    return out;
  }

  private static Optional<String> secret(String source, String key, String file)
      throws ConfigException {
    if (file == null) {
      return Optional.empty();
    }
    Path p = Path.of(file);
    String text;
    try {
      if (Files.size(p) > MAX_SECRET_BYTES) {
        throw error(source, key, file + " is larger than " + MAX_SECRET_BYTES + " bytes");
      }
      text = Files.readString(p, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw error(source, key, "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    if (text.isEmpty()) {
      throw error(source, key, file + " is empty; expected the shared signing secret");
    }
    return Optional.of(text);
  }

  private static Duration duration(String source, String key, String value, Duration dflt)
      throws ConfigException {
    if (value == null) {
      return dflt;
    }
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw error(source, key, e.getMessage());
    }
    if (d.isZero() || d.isNegative()) {
      throw error(source, key, "must be longer than 0s");
    }
    return d;
  }

  private static ConfigException error(String source, String key, String message) {
    return new ConfigException(source + ": " + key + ": " + message);
  }
}
