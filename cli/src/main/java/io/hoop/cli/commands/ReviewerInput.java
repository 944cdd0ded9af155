package io.hoop.cli.commands;

import io.hoop.cli.HoopException;

/** Checks on the free text reviewers type, before anything is sent. */
final class ReviewerInput {
  static final int MAX_TEXT = 1000;

  private ReviewerInput() {}

  /** A reason or comment: not blank, one line of printable text, at most {@value #MAX_TEXT}. */
  static void requireText(String option, String value) {
    if (value == null || value.isBlank()) {
      throw new HoopException.Usage(option + " must not be blank: say why, for the audit log");
    }
    if (value.length() > MAX_TEXT || value.chars().anyMatch(c -> Character.isISOControl(c))) {
      throw new HoopException.Usage(
          option
              + " must be one line of at most "
              + MAX_TEXT
              + " printable characters (got "
              + value.length()
              + " characters)");
    }
  }
}
