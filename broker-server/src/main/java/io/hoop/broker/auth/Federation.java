package io.hoop.broker.auth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import io.hoop.api.Principal;
import io.hoop.broker.config.IdentityConfig.FederationConfig;
import io.hoop.broker.identity.ClaimPaths;
import io.hoop.broker.identity.InvalidTokenException;
import io.hoop.broker.identity.OidcValidator;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Workload identity federation: tokens of trusted external issuers (a CI provider, a Kubernetes
 * cluster) become machine principals when every claim condition of a configured entry matches. Each
 * entry has its own discovery, JWKS cache and audience.
 */
public final class Federation {
  /** The login method recorded for federated principals. */
  public static final String METHOD = "federated";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");
  private static final int MAX_PRINCIPAL_CHARS = 200;

  private final List<Entry> entries;

  private record Entry(FederationConfig config, OidcValidator validator) {}

  public Federation(List<FederationConfig> configs, Duration jwksMaxAge, Clock clock) {
    List<Entry> list = new ArrayList<>();
    for (FederationConfig c : configs) {
      list.add(
          new Entry(
              c,
              new OidcValidator(
                  c.issuer(),
                  c.audience(),
                  null,
                  "sub",
                  "groups",
                  OidcValidator.DEFAULT_CLOCK_SKEW,
                  clock,
                  jwksMaxAge)));
    }
    this.entries = List.copyOf(list);
  }

  /** Whether any external issuer is trusted. */
  public boolean enabled() {
    return !entries.isEmpty();
  }

  /**
   * Validates a federated token against the entries of its issuer, in config order; the first whose
   * audience and conditions all match names the principal.
   *
   * @throws InvalidTokenException saying which check failed (for the last entry tried)
   */
  public Principal exchange(String token) throws InvalidTokenException {
    requireNonNull(token, "token");
    if (token.length() > OidcValidator.MAX_TOKEN_CHARS) {
      throw new InvalidTokenException(
          "federated token is "
              + token.length()
              + " bytes; at most "
              + OidcValidator.MAX_TOKEN_CHARS
              + " accepted");
    }
    String iss;
    try {
      // Unverified, only to pick the entries whose keys then verify it.
      iss = JWTParser.parse(token.strip()).getJWTClaimsSet().getIssuer();
    } catch (ParseException e) {
      throw new InvalidTokenException("federated token is not a well-formed JWT");
    }
    InvalidTokenException last = null;
    for (Entry e : entries) {
      if (!e.config().issuer().equals(iss)) {
        continue;
      }
      try {
        return principal(e, e.validator().validateJwt(token, "federated token"));
      } catch (InvalidTokenException ex) {
        if (ex.issuerUnreachable()) {
          throw ex;
        }
        last = ex;
      }
    }
    if (last != null) {
      throw last;
    }
    throw new InvalidTokenException(
        "federated token issuer "
            + (iss == null ? "(none)" : "'" + shorten(iss) + "'")
            + " is not trusted by this broker; trusted: "
            + entries.stream().map(e -> e.config().issuer()).distinct().toList());
  }

  private static Principal principal(Entry e, JWTClaimsSet claims) throws InvalidTokenException {
    FederationConfig c = e.config();
    for (Map.Entry<String, String> cond : c.conditions().entrySet()) {
      String value = ClaimPaths.text(claims, cond.getKey());
      if (value == null) {
        throw new InvalidTokenException(
            "federated token has no claim "
                + cond.getKey()
                + ", which federation entry '"
                + c.name()
                + "' requires to match '"
                + cond.getValue()
                + "'");
      }
      if (!glob(cond.getValue(), value)) {
        throw new InvalidTokenException(
            "federated token claim "
                + cond.getKey()
                + " is '"
                + shorten(value)
                + "', which does not match '"
                + cond.getValue()
                + "' required by federation entry '"
                + c.name()
                + "'");
      }
    }
    StringBuilder name = new StringBuilder();
    Matcher m = PLACEHOLDER.matcher(c.principal());
    while (m.find()) {
      String value = ClaimPaths.text(claims, m.group(1));
      if (value == null || value.isEmpty()) {
        throw new InvalidTokenException(
            "federated token has no claim "
                + m.group(1)
                + ", which the principal template of federation entry '"
                + c.name()
                + "' uses");
      }
      m.appendReplacement(name, Matcher.quoteReplacement(value));
    }
    m.appendTail(name);
    String principal = name.toString();
    if (principal.length() > MAX_PRINCIPAL_CHARS
        || !principal.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) {
      throw new InvalidTokenException(
          "federated principal from entry '"
              + c.name()
              + "' must be at most "
              + MAX_PRINCIPAL_CHARS
              + " printable ASCII characters without spaces");
    }
    return new Principal(principal, null, c.groups(), METHOD);
  }

  /** Glob match over the whole value: {@code *} any run of characters, {@code ?} one character. */
  static boolean glob(String pattern, String value) {
    StringBuilder re = new StringBuilder();
    for (char ch : pattern.toCharArray()) {
      if (ch == '*') {
        re.append(".*");
      } else if (ch == '?') {
        re.append('.');
      } else {
        re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL).matcher(value).matches();
  }

  private static String shorten(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "...";
  }
}
