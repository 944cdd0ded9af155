package io.hoop.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The detectors hoop ships. Their patterns are fixed and reviewed (java.util.regex, for the
 * look-arounds that keep a match from starting inside a longer number); each is gated by a cheap
 * test, so most values never reach the regex. Configured patterns use {@link PatternDetector}
 * (RE2/J) instead.
 */
public enum BuiltinDetector implements Detector {
  /**
   * Every quantifier is bounded (RFC 5321's 64-character local part, 63-character labels, at most
   * 31 dots in the domain), so each start position costs a bounded scan and a value costs time
   * linear in its length: unbounded, a long run of address characters before an {@code @} made the
   * scan quadratic (a 64 KiB value took seconds). A match's start is then moved left over any
   * address characters before it, so a longer local part is masked whole, never its first part left
   * in clear.
   */
  EMAIL(
      "[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,30}\\.[A-Za-z]{2,63}",
      s -> s.indexOf('@') >= 0, s -> true),
  /** 13 to 19 digits, optionally grouped by spaces or dashes, passing the Luhn check. */
  PAYMENT_CARD(
      "(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])", s -> digits(s) >= 13, Validators::luhn),
  /** Country code, check digits and BBAN, passing the ISO 13616 mod-97 check. */
  IBAN(
      "(?i)(?<![A-Z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Z0-9])",
      s -> s.length() >= 15, Validators::mod97),
  /** International (+) or parenthesised-area-code numbers; plain digit runs are too ambiguous. */
  PHONE(
      "(?:\\+[0-9]{1,3}[ .-]?(?:\\([0-9]{1,4}\\)[ .-]?)?|\\([0-9]{2,4}\\)[ .-]?)[0-9]{2,4}(?:[ .-]?[0-9]{2,4}){1,3}(?![0-9])",
      s -> s.indexOf('+') >= 0 || s.indexOf('(') >= 0,
      s -> s.replaceAll("[^0-9]", "").length() >= 8),
  AWS_ACCESS_KEY(
      "(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])",
      s ->
          s.indexOf("AKIA") >= 0
              || s.indexOf("ASIA") >= 0
              || s.indexOf("ABIA") >= 0
              || s.indexOf("ACCA") >= 0,
      s -> true),
  JWT(
      "(?i)eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*",
      s -> s.length() >= 12,
      s -> true),
  /** A PEM private key block; an unterminated one is masked to the end of the value. */
  PRIVATE_KEY(
      "-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY-----|.*)",
      s -> s.indexOf("PRIVATE KEY-----") >= 0,
      s -> true),
  /**
   * A US Social Security number passing the SSA's validity rules ({@link Validators#usSsn}): {@code
   * 123-45-6789} or {@code 123 45 6789} (one separator kind, not inside a longer run of digits,
   * letters or dashes); nine bare digits only right after a label such as {@code SSN}, {@code SSN#}
   * or {@code social security number:}, because bare nine-digit runs are mostly order numbers,
   * phone digits and ids.
   */
  US_SSN(
      "(?<![0-9A-Za-z-])[0-9]{3}([- ])[0-9]{2}\\1[0-9]{4}(?![0-9A-Za-z-])"
          + "|(?i)(?:\\bssn|\\bsocial security(?: number| no\\.?)?)\\s*(?:#|no\\.?|number)?\\s*[:=]?"
          + "\\s*([0-9]{9})(?![0-9])",
      s -> digits(s) >= 9, Validators::usSsn);

  private final Pattern pattern;
  private final Predicate<String> mayMatch;
  private final Predicate<String> check;

  /**
   * @param mayMatch a cheap test that is true for every value the pattern can match: most values
   *     skip the regex, and some patterns (EMAIL) backtrack quadratically on long values
   * @param check validates a match (checksums, validity rules)
   */
  BuiltinDetector(String regex, Predicate<String> mayMatch, Predicate<String> check) {
    this.pattern = Pattern.compile(regex, Pattern.DOTALL);
    this.mayMatch = mayMatch;
    this.check = check;
  }

  @Override
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public List<Span> find(String text) {
    if (!mayMatch.test(text)) {
      return List.of();
    }
    List<Span> spans = null;
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      // A labelled bare SSN masks the digits, not the label.
      int group = this == US_SSN && m.group(2) != null ? 2 : 0;
      String value = m.group(group);
      if (!check.test(value)) {
        continue;
      }
      if (spans == null) {
        spans = new ArrayList<>(2);
      }
      int start = m.start(group);
      if (this == EMAIL) {
        int floor = spans.isEmpty() ? 0 : spans.get(spans.size() - 1).end();
        while (start > floor && isLocalPart(text.charAt(start - 1))) {
          start--;
        }
      }
      spans.add(new Span(start, m.end(group)));
    }
    return spans == null ? List.of() : spans;
  }

  /** The built-in named {@code id} in config (kebab case), or null. */
  public static BuiltinDetector byId(String id) {
    for (BuiltinDetector d : values()) {
      if (d.id().equals(id)) {
        return d;
      }
    }
    return null;
  }

  private static boolean isLocalPart(char c) {
    return c >= 'A' && c <= 'Z'
        || c >= 'a' && c <= 'z'
        || c >= '0' && c <= '9'
        || c == '.'
        || c == '_'
        || c == '%'
        || c == '+'
        || c == '-';
  }

  private static int digits(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        n++;
      }
    }
    return n;
  }
}
