package io.hoop.engine.ssh.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A POSIX-shell lexer for the command string an OpenSSH client sends, which the target user's login
 * shell runs. It removes quotes ({@code '...'}, {@code "..."}, {@code $'...'}, backslashes), drops
 * comments and redirection targets, and splits the line into simple commands at {@code ;}, {@code
 * &&}, {@code ||}, {@code |}, {@code &}, newlines and parentheses. It refuses (throws {@link
 * ShellRefusal}) what it cannot see through: command and process substitution, here-documents,
 * arithmetic, unbalanced quotes, parameter expansions beyond the plain forms, control bytes and
 * over-long input. Variables and globs become {@link ShellWord#ANY} in the word text.
 *
 * <p>It assumes a POSIX-family shell (sh, bash, dash, ksh, zsh); csh and fish login shells parse
 * differently.
 */
final class ShellLexer {
  static final int MAX_INPUT = 16 * 1024;
  static final int MAX_WORDS = 4096;
  private static final String OPERATOR_CHARS = " \t\n;&|<>()";
  private static final Pattern PARAM =
      Pattern.compile("^#?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(:?[-=?+].*|##?.*|%%?.*)?$");

  private final String s;
  private int i;
  private final List<List<ShellWord>> commands = new ArrayList<>();
  private List<ShellWord> current = new ArrayList<>();
  private int words;
  // the word being built
  private StringBuilder text;
  private int wordStart;
  private String opaque;
  private boolean quoted;
  private int braceIndex = -1;
  private boolean braceExpansion;
  private boolean redirectPending;

  private ShellLexer(String s) {
    this.s = s;
  }

  /** Splits {@code input} into simple commands (each a non-empty list of words). */
  static List<List<ShellWord>> lex(String input) throws ShellRefusal {
    if (input.length() > MAX_INPUT) {
      throw new ShellRefusal(
          "the command is "
              + input.length()
              + " characters; at most "
              + MAX_INPUT
              + " are checked");
    }
    for (int k = 0; k < input.length(); k++) {
      char c = input.charAt(k);
      if (c == 0) {
        throw new ShellRefusal("the command contains a NUL byte");
      }
      if ((c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7f && c <= 0x9f)) {
        throw new ShellRefusal(
            String.format("the command contains the control character U+%04X", (int) c));
      }
    }
    if (input.contains("$(") || input.indexOf('`') >= 0) {
      throw new ShellRefusal("command substitution ($(...) or backticks) cannot be checked");
    }
    ShellLexer l = new ShellLexer(input);
    l.run();
    return l.commands;
  }

  private void run() throws ShellRefusal {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      switch (c) {
        case ' ', '\t' -> {
          endWord();
          i++;
        }
        case '\n' -> {
          endWord();
          separator();
          i++;
        }
        case '#' -> {
          if (text == null) {
            int nl = s.indexOf('\n', i);
            i = nl < 0 ? n : nl;
          } else {
            append(c);
            i++;
          }
        }
        case '\\' -> {
          if (i + 1 >= n) {
            throw new ShellRefusal("the command ends with a lone backslash");
          }
          char next = s.charAt(i + 1);
          i += 2;
          if (next != '\n') {
            start();
            quoted = true;
            append(next);
          }
        }
        case '\'' -> {
          start();
          quoted = true;
          int end = s.indexOf('\'', i + 1);
          if (end < 0) {
            throw new ShellRefusal("unbalanced single quote at offset " + i);
          }
          appendLiteral(s.substring(i + 1, end));
          i = end + 1;
        }
        case '"' -> {
          start();
          quoted = true;
          i++;
          doubleQuoted();
        }
        case '$' -> dollar(false);
        case ';', '&', '|' -> operator(c);
        case '(' -> {
          if (text != null) {
            if (i + 1 < n && s.charAt(i + 1) == ')' && isName(text) && !quoted) {
              // a function definition: name() body
              endWord();
              separator();
              i += 2;
            } else {
              throw new ShellRefusal(
                  "a parenthesis inside the word '"
                      + s.substring(wordStart, i + 1)
                      + "' (glob qualifier, extglob or array) cannot be checked");
            }
          } else {
            if (i + 1 < n && s.charAt(i + 1) == '(') {
              throw new ShellRefusal("arithmetic commands (( ... )) cannot be checked");
            }
            separator();
            i++;
          }
        }
        case ')' -> {
          endWord();
          separator();
          i++;
        }
        case '<', '>' -> redirect(c);
        case '*', '?' -> {
          start();
          any("the glob '" + c + "'");
          i++;
        }
        case '[' -> {
          start();
          int close = classEnd(i);
          if (close < 0) {
            append(c);
            i++;
          } else {
            any("the glob '" + s.substring(i, close + 1) + "'");
            i = close + 1;
          }
        }
        case '{' -> {
          start();
          braceIndex = text.length();
          append(c);
          i++;
        }
        case '}' -> {
          start();
          String inner = braceIndex < 0 ? "" : text.substring(braceIndex);
          if (inner.indexOf(',') >= 0 || inner.contains("..")) {
            braceExpansion = true;
          }
          append(c);
          i++;
        }
        default -> {
          start();
          append(c);
          i++;
        }
      }
    }
    endWord();
    if (redirectPending) {
      throw new ShellRefusal("a redirection without a file name");
    }
    separator();
  }

  private void operator(char c) throws ShellRefusal {
    endWord();
    int n = s.length();
    char next = i + 1 < n ? s.charAt(i + 1) : 0;
    if (c == '&' && next == '>') {
      i += 2;
      if (i < n && s.charAt(i) == '>') {
        i++;
      }
      redirectTarget();
      return;
    }
    if ((c == '&' && next == '&') || (c == '|' && (next == '|' || next == '&'))) {
      i += 2;
    } else if (c == ';' && (next == ';' || next == '&')) {
      i += 2;
      if (i < n && s.charAt(i) == '&') {
        i++;
      }
    } else {
      i++;
    }
    separator();
  }

  private void redirect(char c) throws ShellRefusal {
    if (text != null) {
      if (!quoted && !text.isEmpty() && text.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        text = null; // a file descriptor number, not a word
      } else {
        endWord();
      }
    }
    int n = s.length();
    char next = i + 1 < n ? s.charAt(i + 1) : 0;
    if (next == '(') {
      throw new ShellRefusal("process substitution " + c + "(...) cannot be checked");
    }
    if (c == '<' && next == '<') {
      if (i + 2 < n && s.charAt(i + 2) == '<') {
        i += 3; // here-string: its word is data on stdin
        redirectTarget();
        return;
      }
      throw new ShellRefusal("here-documents (<<) cannot be checked");
    }
    i++;
    if (next == '>' || next == '&' || next == '|' || (c == '<' && next == '>')) {
      i++;
    }
    redirectTarget();
  }

  private void redirectTarget() throws ShellRefusal {
    if (redirectPending) {
      throw new ShellRefusal("a redirection without a file name");
    }
    redirectPending = true;
  }

  private void doubleQuoted() throws ShellRefusal {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '"') {
        i++;
        return;
      }
      if (c == '\\' && i + 1 < n) {
        char next = s.charAt(i + 1);
        if (next == '\n') {
          i += 2;
        } else if (next == '$' || next == '"' || next == '\\') {
          append(next);
          i += 2;
        } else {
          append(c);
          i++;
        }
      } else if (c == '$') {
        dollar(true);
      } else {
        append(c);
        i++;
      }
    }
    throw new ShellRefusal("unbalanced double quote");
  }

  private void dollar(boolean inDoubleQuotes) throws ShellRefusal {
    int n = s.length();
    char next = i + 1 < n ? s.charAt(i + 1) : 0;
    start();
    if (!inDoubleQuotes && next == '\'') {
      quoted = true;
      i += 2;
      ansiC();
      return;
    }
    if (!inDoubleQuotes && next == '"') {
      quoted = true;
      i += 2;
      doubleQuoted();
      return;
    }
    if (next == '[') {
      throw new ShellRefusal("arithmetic expansion $[...] cannot be checked");
    }
    if (next == '{') {
      int close = s.indexOf('}', i + 2);
      if (close < 0) {
        throw new ShellRefusal("unbalanced ${ at offset " + i);
      }
      String inner = s.substring(i + 2, close);
      if (!PARAM.matcher(inner).matches()
          || inner.indexOf('{') >= 0
          || inner.indexOf('\'') >= 0
          || inner.indexOf('"') >= 0
          || inner.indexOf('\\') >= 0) {
        throw new ShellRefusal("the parameter expansion ${" + inner + "} cannot be checked");
      }
      any("the variable ${" + inner + "}");
      i = close + 1;
      return;
    }
    int j = i + 1;
    while (j < n && "=~^+".indexOf(s.charAt(j)) >= 0) {
      j++; // zsh's $=x, $~x, $^x, $+x
    }
    char first = j < n ? s.charAt(j) : 0;
    if (first >= '0' && first <= '9' || "@*#?$!-".indexOf(first) >= 0 && first != 0) {
      any("the variable $" + s.substring(i + 1, j + 1));
      i = j + 1;
      return;
    }
    if (first == '_' || Character.isLetter(first) && first < 0x80) {
      int k = j;
      while (k < n
          && (s.charAt(k) == '_' || Character.isLetterOrDigit(s.charAt(k)))
          && s.charAt(k) < 0x80) {
        k++;
      }
      any("the variable $" + s.substring(i + 1, k));
      i = k;
      return;
    }
    if (j > i + 1) {
      throw new ShellRefusal(
          "the expansion " + s.substring(i, Math.min(j + 1, s.length())) + " cannot be checked");
    }
    append('$');
    i++;
  }

  private void ansiC() throws ShellRefusal {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\'') {
        i++;
        return;
      }
      if (c != '\\') {
        append(c);
        i++;
        continue;
      }
      if (i + 1 >= n) {
        break;
      }
      char e = s.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> append('\u0007');
        case 'b' -> append('\b');
        case 'e', 'E' -> append('\u001b');
        case 'f' -> append('\f');
        case 'n' -> append('\n');
        case 'r' -> append('\r');
        case 't' -> append('\t');
        case 'v' -> append('\u000b');
        case '\\', '\'', '"', '?' -> append(e);
        case 'x' -> codePoint(number(16, 2), "\\x");
        case 'u' -> codePoint(number(16, 4), "\\u");
        case 'U' -> codePoint(number(16, 8), "\\U");
        case 'c' -> {
          if (i >= n) {
            throw new ShellRefusal("unbalanced $' quote");
          }
          codePoint(s.charAt(i++) & 0x1f, "\\c");
        }
        default -> {
          if (e >= '0' && e <= '7') {
            i--;
            codePoint(number(8, 3) & 0xff, "\\0");
          } else {
            append('\\');
            append(e);
          }
        }
      }
    }
    throw new ShellRefusal("unbalanced $' quote");
  }

  private int number(int radix, int maxDigits) {
    int v = 0;
    int d = 0;
    while (d < maxDigits && i < s.length() && Character.digit(s.charAt(i), radix) >= 0) {
      v = v * radix + Character.digit(s.charAt(i), radix);
      i++;
      d++;
    }
    return d == 0 ? -1 : v;
  }

  private void codePoint(int cp, String escape) throws ShellRefusal {
    if (cp < 0) {
      appendLiteral(escape);
      return;
    }
    if (cp == 0) {
      throw new ShellRefusal("a NUL byte in $'...' cannot be checked");
    }
    if (!Character.isValidCodePoint(cp)) {
      throw new ShellRefusal("the escape " + escape + " names no character");
    }
    appendLiteral(new String(Character.toChars(cp)));
  }

  /** The index of the ']' closing a glob class starting at {@code open}, or -1. */
  private int classEnd(int open) {
    int j = open + 1;
    if (j < s.length() && (s.charAt(j) == '!' || s.charAt(j) == '^')) {
      j++;
    }
    if (j < s.length() && s.charAt(j) == ']') {
      j++;
    }
    for (; j < s.length(); j++) {
      char c = s.charAt(j);
      if (c == ']') {
        return j;
      }
      if (OPERATOR_CHARS.indexOf(c) >= 0 || c == '\'' || c == '"' || c == '\\' || c == '$') {
        return -1;
      }
    }
    return -1;
  }

  private void start() {
    if (text == null) {
      text = new StringBuilder();
      wordStart = i;
      opaque = null;
      quoted = false;
      braceIndex = -1;
      braceExpansion = false;
    }
  }

  private void append(char c) {
    text.append(c);
  }

  private void appendLiteral(String t) {
    text.append(t);
  }

  private void any(String what) {
    text.append(ShellWord.ANY);
    if (opaque == null) {
      opaque = what;
    }
  }

  private void endWord() throws ShellRefusal {
    if (text == null) {
      return;
    }
    String raw = s.substring(wordStart, i);
    String t = text.toString();
    String why = opaque;
    if (braceExpansion) {
      t = String.valueOf(ShellWord.ANY);
      why = "the brace expansion '" + raw + "'";
    }
    text = null;
    if (t.contains("$(") || t.indexOf('`') >= 0) {
      throw new ShellRefusal("the word '" + raw + "' spells a command substitution");
    }
    if (redirectPending) {
      redirectPending = false;
      return;
    }
    if (++words > MAX_WORDS) {
      throw new ShellRefusal("the command has more than " + MAX_WORDS + " words");
    }
    current.add(new ShellWord(t, raw, why, quoted));
  }

  private void separator() throws ShellRefusal {
    if (redirectPending) {
      throw new ShellRefusal("a redirection without a file name");
    }
    if (!current.isEmpty()) {
      commands.add(List.copyOf(current));
      current = new ArrayList<>();
    }
  }

  private static boolean isName(CharSequence t) {
    if (t.length() == 0) {
      return false;
    }
    for (int k = 0; k < t.length(); k++) {
      char c = t.charAt(k);
      boolean ok =
          c == '_'
              || c == '-'
              || c == '.'
              || c == ':'
              || (c < 0x80 && Character.isLetterOrDigit(c));
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
