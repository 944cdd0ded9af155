package io.hoop.engine.postgres.guard;

import java.util.ArrayList;
import java.util.List;

/**
 * The run-time parameters a StartupMessage's {@code options} sets, read as the server reads it
 * (pg_split_opts, then {@code -c name=value}, {@code -cname=value} or {@code --name=value}, with
 * {@code -} in a name meaning {@code _}). Other switches set nothing a rule can name.
 */
final class StartupOptions {
  private StartupOptions() {}

  /** The parameter names {@code options} sets, lower case. */
  static List<String> parameters(String options) {
    List<String> words = split(options);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      String w = words.get(i);
      String setting = null;
      if (w.equals("-c") && i + 1 < words.size()) {
        setting = words.get(++i);
      } else if (w.startsWith("-c")) {
        setting = w.substring(2);
      } else if (w.startsWith("--")) {
        setting = w.substring(2);
      }
      if (setting != null) {
        int eq = setting.indexOf('=');
        String name = eq < 0 ? setting : setting.substring(0, eq);
        names.add(name.replace('-', '_'));
      }
    }
    return names;
  }

  /** Splits at unescaped whitespace; a backslash keeps the next character. */
  private static List<String> split(String options) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    for (int i = 0; i < options.length(); i++) {
      char c = options.charAt(i);
      if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        continue;
      }
      inWord = true;
      if (c == '\\' && i + 1 < options.length()) {
        word.append(options.charAt(++i));
      } else {
        word.append(c);
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
