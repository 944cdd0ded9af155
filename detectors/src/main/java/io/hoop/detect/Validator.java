package io.hoop.detect;

import java.util.Locale;
import java.util.function.Predicate;

/** The check a configured detector applies to each match ({@code validator:} in config). */
public enum Validator {
  /** Every match is a detection. */
  NONE(s -> true),
  /** The match's digits pass the Luhn check (payment cards, many national ids). */
  LUHN(Validators::luhn),
  /** The match passes the ISO 13616 mod-97 check (IBAN-like). */
  MOD97(Validators::mod97);

  private final Predicate<String> check;

  Validator(Predicate<String> check) {
    this.check = check;
  }

  /** Whether {@code match} is a detection. */
  public boolean accepts(String match) {
    return check.test(match);
  }

  /** The config name: {@code none}, {@code luhn}, {@code mod97}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The validator named {@code id} in config, or null. */
  public static Validator byId(String id) {
    for (Validator v : values()) {
      if (v.id().equals(id)) {
        return v;
      }
    }
    return null;
  }
}
