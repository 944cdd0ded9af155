package io.hoop.engine.postgres.mask;

import java.math.BigInteger;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Content detectors for sensitive values in columns no rule names (computed columns, casts). */
public enum Detector {
  EMAIL(
      "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}",
      s -> s.indexOf('@') >= 0, s -> true),
  /** 13 to 19 digits, optionally grouped by spaces or dashes, passing the Luhn check. */
  PAYMENT_CARD(
      "(?<![0-9])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])", s -> digits(s) >= 13, Detector::luhn),
  /** Country code, check digits and BBAN, passing the ISO 13616 mod-97 check. */
  IBAN(
      "(?i)(?<![A-Z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?![A-Z0-9])",
      s -> s.length() >= 15, Detector::mod97),
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
      s -> true);

  private final Pattern pattern;
  private final Predicate<String> mayMatch;
  private final Predicate<String> check;

  /**
   * @param mayMatch a cheap test that is true for every value the pattern can match: most values
   *     skip the regex, and some patterns (EMAIL) backtrack quadratically on long values
   * @param check validates a match (checksums)
   */
  Detector(String regex, Predicate<String> mayMatch, Predicate<String> check) {
    this.pattern = Pattern.compile(regex, Pattern.DOTALL);
    this.mayMatch = mayMatch;
    this.check = check;
  }

  boolean mayMatch(String value) {
    return mayMatch.test(value);
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

  Pattern pattern() {
    return pattern;
  }

  boolean accepts(String match) {
    return check.test(match);
  }

  private static boolean luhn(String s) {
    String digits = s.replaceAll("[^0-9]", "");
    int sum = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(digits.length() - 1 - i) - '0';
      if (i % 2 == 1) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
    }
    return sum % 10 == 0;
  }

  private static boolean mod97(String s) {
    String iban = s.replace(" ", "").toUpperCase(Locale.ROOT);
    String rearranged = iban.substring(4) + iban.substring(0, 4);
    StringBuilder numeric = new StringBuilder();
    for (char c : rearranged.toCharArray()) {
      numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
    }
    return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
  }
}
