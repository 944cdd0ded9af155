package io.hoop.cli.commands;

import io.hoop.cli.CliEnvironment;
import java.io.IOException;
import java.util.Locale;

/** Best-effort opening of a URL in the user's browser; silence when there is none. */
final class Browser {
  private Browser() {}

  static void tryOpen(CliEnvironment env, String url) {
    if (!env.interactive() || !url.regionMatches(true, 0, "https://", 0, 8)) {
      return;
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String opener;
    if (os.contains("mac")) {
      opener = "open";
    } else if (env.get("DISPLAY") != null || env.get("WAYLAND_DISPLAY") != null) {
      opener = "xdg-open";
    } else {
      return;
    }
    try {
      new ProcessBuilder(opener, url)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
    } catch (IOException e) {
      // No browser: the printed URL is enough.
    }
  }
}
