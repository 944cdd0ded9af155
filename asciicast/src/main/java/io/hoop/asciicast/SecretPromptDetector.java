package io.hoop.asciicast;

import java.util.regex.Pattern;

/**
 * Guesses that the terminal is reading a secret: the pty's echo flag is on the target, out of the
 * broker's sight, so after output that ends in a password-like prompt ({@code Password:}, {@code
 * [sudo] password for x:}, {@code Enter passphrase for key ...:}, {@code PIN:}, {@code Verification
 * code:}, {@code token:}) the next input line is treated as no-echo until Enter.
 */
final class SecretPromptDetector {
  private static final int TAIL = 256;
  private static final Pattern PROMPT =
      Pattern.compile(
          "(?i)(password|passphrase|passcode|pin|verification code|one-time code|otp|token|secret)"
              + "[^\\n]{0,80}:\\s*$");

  private final StringBuilder tail = new StringBuilder();
  private boolean secretLine;

  /** Output was shown. */
  void output(String text) {
    tail.append(text);
    if (tail.length() > TAIL) {
      tail.delete(0, tail.length() - TAIL);
    }
    if (PROMPT.matcher(stripEscapes(tail)).find()) {
      secretLine = true;
    }
  }

  /** Whether input now is probably a secret; Enter ends the secret line. */
  boolean secret() {
    return secretLine;
  }

  /** Input was typed; call after {@link #secret()}. */
  void input(String text) {
    if (secretLine && (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0)) {
      secretLine = false;
      tail.setLength(0);
    }
  }

  private static String stripEscapes(CharSequence s) {
    return s.toString().replaceAll("\u001b\\[[0-9;?]*[A-Za-z]|\u001b\\][^\u0007]*\u0007", "");
  }
}
