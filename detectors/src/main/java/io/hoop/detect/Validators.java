package io.hoop.detect;

import java.math.BigInteger;
import java.util.Locale;

/** Check-digit and validity rules that turn a pattern match into a detection. */
public final class Validators {
  private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);

  private Validators() {}

  /** Luhn (ISO/IEC 7812) over the digits of {@code s}; false when it has fewer than 2 digits. */
  public static boolean luhn(String s) {
    int sum = 0;
    int n = 0;
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (n % 2 == 1) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      n++;
    }
    return n >= 2 && sum % 10 == 0;
  }

  /**
   * ISO 13616 mod-97 (IBAN) over {@code s} without spaces: country letters, check digits, BBAN;
   * false for anything that is not 5 to 34 letters and digits.
   */
  public static boolean mod97(String s) {
    String iban = s.replace(" ", "").toUpperCase(Locale.ROOT);
    if (iban.length() < 5 || iban.length() > 34) {
      return false;
    }
    String rearranged = iban.substring(4) + iban.substring(0, 4);
    StringBuilder numeric = new StringBuilder(rearranged.length() * 2);
    for (int i = 0; i < rearranged.length(); i++) {
      char c = rearranged.charAt(i);
      if (c >= '0' && c <= '9') {
        numeric.append(c);
      } else if (c >= 'A' && c <= 'Z') {
        numeric.append(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return new BigInteger(numeric.toString()).mod(NINETY_SEVEN).intValue() == 1;
  }

  /**
   * A US Social Security number as the SSA issues them: 9 digits (separators ignored), area not
   * 000, 666 or 900-999, group not 00, serial not 0000, and not one of the two numbers published in
   * advertising (078-05-1120, 219-09-9999).
   */
  public static boolean usSsn(String s) {
    String digits = s.replaceAll("[^0-9]", "");
    if (digits.length() != 9) {
      return false;
    }
    int area = Integer.parseInt(digits.substring(0, 3));
    int group = Integer.parseInt(digits.substring(3, 5));
    int serial = Integer.parseInt(digits.substring(5));
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
      return false;
    }
    return !digits.equals("078051120") && !digits.equals("219099999");
  }
}
