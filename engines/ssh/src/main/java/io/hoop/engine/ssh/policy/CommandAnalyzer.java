package io.hoop.engine.ssh.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an exec command string into every {@link SimpleCommand} it would run, seeing through shells
 * ({@code sh -c}), {@code eval}, {@code env}, {@code sudo}, {@code xargs}, {@code find -exec} and
 * the other wrappers below, leading assignments and reserved words. What it cannot see through is
 * refused with the reason.
 */
final class CommandAnalyzer {
  static final int MAX_DEPTH = 8;
  private static final Set<String> SHELLS =
      Set.of(
          "sh", "bash", "dash", "zsh", "ksh", "ksh93", "mksh", "lksh", "pdksh", "ash", "yash",
          "posh", "rbash", "fish", "csh", "tcsh");
  private static final Set<String> PREFIX_WORDS =
      Set.of(
          "!",
          "{",
          "}",
          "if",
          "then",
          "else",
          "elif",
          "do",
          "while",
          "until",
          "fi",
          "done",
          "esac",
          "noglob",
          "nocorrect",
          "-");
  private static final Set<String> REFUSED =
      Set.of(
          ".",
          "source",
          "alias",
          "trap",
          "hash",
          "enable",
          "coproc",
          "[[",
          "let",
          "declare",
          "typeset",
          "local",
          "unset",
          "read",
          "mapfile",
          "readarray",
          "fc",
          "bind",
          "complete",
          "compgen");
  private static final Pattern ASSIGNMENT = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\+?=.*");
  private static final Pattern ENV_ASSIGNMENT = Pattern.compile("^([^=]+)=.*", Pattern.DOTALL);

  static final int MAX_SIMPLE = 1024;
  private final List<SimpleCommand> out = new ArrayList<>();
  static final int MAX_WRAPPERS = 64;
  private int simples;
  private int nesting;

  private CommandAnalyzer() {}

  /** Every simple command in {@code command}, in order, wrappers seen through. */
  static List<SimpleCommand> analyze(String command) throws ShellRefusal {
    CommandAnalyzer a = new CommandAnalyzer();
    a.script(command, 0);
    return a.out;
  }

  private void script(String text, int depth) throws ShellRefusal {
    if (depth > MAX_DEPTH) {
      throw new ShellRefusal("shells nested deeper than " + MAX_DEPTH + " levels");
    }
    for (List<ShellWord> words : ShellLexer.lex(text)) {
      simple(words, depth);
    }
  }

  private void script(ShellWord word, String what, int depth) throws ShellRefusal {
    if (word.isOpaque()) {
      throw new ShellRefusal(
          "the " + what + " '" + word.raw() + "' has " + reason(word) + "; it cannot be checked");
    }
    script(word.text(), depth + 1);
  }

  private void simple(List<ShellWord> words, int depth) throws ShellRefusal {
    if (++simples > MAX_SIMPLE) {
      throw new ShellRefusal("more than " + MAX_SIMPLE + " commands and wrappers in one line");
    }
    if (++nesting > MAX_WRAPPERS) {
      throw new ShellRefusal("more than " + MAX_WRAPPERS + " wrappers around one command");
    }
    try {
      unwrap(words, depth);
    } finally {
      nesting--;
    }
  }

  private void unwrap(List<ShellWord> words, int depth) throws ShellRefusal {
    List<ShellWord> w = words;
    int k = 0;
    while (k < w.size()) {
      ShellWord word = w.get(k);
      String t = word.text();
      if (!word.quoted() && PREFIX_WORDS.contains(t)) {
        k++;
        continue;
      }
      if (!word.quoted() && (t.equals("for") || t.equals("case") || t.equals("select"))) {
        return; // the rest of this simple command is a word list, not a command
      }
      if (!word.quoted() && t.equals("function")) {
        k += 2;
        continue;
      }
      if (!word.quoted() && t.equals("time")) {
        k++;
        if (k < w.size() && w.get(k).text().equals("-p")) {
          k++;
        }
        continue;
      }
      var m = ASSIGNMENT.matcher(word.raw());
      if (m.matches()) {
        checkEnvName(m.group(1));
        k++;
        continue;
      }
      break;
    }
    if (k >= w.size()) {
      return;
    }
    ShellWord cw = w.get(k);
    if (cw.isOpaque()) {
      throw new ShellRefusal(
          "the command word '"
              + cw.raw()
              + "' has "
              + reason(cw)
              + "; the policy cannot tell what runs");
    }
    if (cw.text().startsWith("=") && !cw.raw().startsWith("'") && !cw.raw().startsWith("\"")) {
      throw new ShellRefusal("zsh's '=' expansion in the command word '" + cw.raw() + "'");
    }
    String name = basename(cw.text());
    Args a = new Args(w.subList(k + 1, w.size()), name);
    if (REFUSED.contains(name)) {
      throw new ShellRefusal("'" + name + "' cannot be checked (it runs or evaluates hidden text)");
    }
    if (SHELLS.contains(name)) {
      shell(a, name, depth);
      return;
    }
    switch (name) {
      case "eval" -> {
        StringBuilder joined = new StringBuilder();
        for (ShellWord arg : a.rest()) {
          if (arg.isOpaque()) {
            throw new ShellRefusal("eval of '" + arg.raw() + "' (" + reason(arg) + ")");
          }
          joined.append(joined.isEmpty() ? "" : " ").append(arg.text());
        }
        script(joined.toString(), depth + 1);
      }
      case "env" -> env(a, depth);
      case "command" -> {
        a.flags("pvV");
        wrapped(a, depth);
      }
      case "builtin", "nohup" -> {
        a.endOfOptions();
        wrapped(a, depth);
      }
      case "exec" -> {
        a.options("cl", "a");
        wrapped(a, depth);
      }
      case "nice" -> {
        while (a.has() && a.peek().startsWith("-") && !a.peek().equals("--")) {
          String o = a.next();
          if (o.equals("-n")) {
            a.next();
          } else if (!o.matches("-n?-?[0-9]+|--adjustment=.*")) {
            throw a.unknown(o);
          }
        }
        a.endOfOptions();
        wrapped(a, depth);
      }
      case "timeout" -> {
        a.options("v", "sk", "--preserve-status", "--foreground", "--verbose");
        a.next(); // the duration
        wrapped(a, depth);
      }
      case "stdbuf" -> {
        a.options("", "ioe");
        wrapped(a, depth);
      }
      case "setsid" -> {
        a.options("cfw", "", "--ctty", "--fork", "--wait");
        wrapped(a, depth);
      }
      case "ionice" -> {
        a.options("t", "cn");
        wrapped(a, depth);
      }
      case "chroot" -> {
        a.options("", "", "--skip-chdir");
        a.next(); // the new root
        if (!a.has()) {
          throw new ShellRefusal("chroot without a command starts a shell that cannot be checked");
        }
        wrapped(a, depth);
      }
      case "taskset" -> {
        a.options("ac", "");
        a.next(); // the mask or list
        wrapped(a, depth);
      }
      case "sudo", "doas" -> sudo(a, name, depth);
      case "su" -> su(a, depth);
      case "runuser" -> {
        if (a.rest().stream()
            .anyMatch(x -> x.text().equals("-u") || x.text().startsWith("--user"))) {
          sudo(a, name, depth);
        } else {
          su(a, depth);
        }
      }
      case "flock" -> {
        a.options("sxnuoFv", "Ewc");
        if (a.commandOption != null) {
          script(a.commandOption, "flock -c script", depth);
          return;
        }
        a.next(); // the lock file
        if (a.has() && (a.peek().equals("-c") || a.peek().equals("--command"))) {
          a.next();
          script(a.nextWord(), "flock -c script", depth);
          return;
        }
        wrapped(a, depth);
      }
      case "watch" -> {
        a.options("dtbegcpw", "n");
        ShellWord joined = joined(a.rest());
        if (joined != null) {
          script(joined, "watch command", depth);
        }
      }
      case "xargs" -> xargs(a, depth);
      case "busybox" -> {
        if (a.has() && !a.peek().startsWith("-")) {
          wrapped(a, depth);
        } else {
          out.add(new SimpleCommand(name, a.rest()));
        }
      }
      case "find" -> find(a, depth);
      case "printf" -> {
        if (a.has() && a.peek().startsWith("-v")) {
          throw new ShellRefusal("printf -v assigns through a name that may be evaluated");
        }
        out.add(new SimpleCommand(name, a.rest()));
      }
      case "test", "[" -> {
        if (a.rest().stream().anyMatch(x -> x.text().equals("-v"))) {
          throw new ShellRefusal("test -v evaluates array subscripts");
        }
        out.add(new SimpleCommand(name, a.rest()));
      }
      case "export", "readonly" -> {
        for (ShellWord arg : a.rest()) {
          if (arg.text().startsWith("-") || arg.text().indexOf('[') >= 0) {
            throw new ShellRefusal(name + " '" + arg.raw() + "' cannot be checked");
          }
          var m = ENV_ASSIGNMENT.matcher(arg.text());
          checkEnvName(m.matches() ? m.group(1) : arg.text());
        }
        out.add(new SimpleCommand(name, a.rest()));
      }
      default -> out.add(new SimpleCommand(name, a.rest()));
    }
  }

  /** The remaining words are a command of their own. */
  private void wrapped(Args a, int depth) throws ShellRefusal {
    if (a.has()) {
      simple(a.rest(), depth);
    }
  }

  private void shell(Args a, String name, int depth) throws ShellRefusal {
    boolean commandMode = false;
    while (a.has()) {
      String o = a.peek();
      if (o.equals("--") || o.equals("-")) {
        a.next();
        break;
      }
      if (!(o.startsWith("-") || o.startsWith("+")) || o.length() < 2) {
        break;
      }
      a.next();
      if (o.startsWith("--")) {
        if (o.equals("--rcfile") || o.equals("--init-file")) {
          a.next();
        }
        continue;
      }
      for (int c = 1; c < o.length(); c++) {
        char ch = o.charAt(c);
        if (ch == 'c') {
          commandMode = true;
        } else if (ch == 'o' || ch == 'O') {
          a.next();
        }
      }
    }
    if (!commandMode) {
      throw new ShellRefusal(
          "'" + name + "' without -c runs a script (a file or stdin) that cannot be checked");
    }
    if (!a.has()) {
      throw new ShellRefusal("'" + name + " -c' without a command string");
    }
    script(a.nextWord(), name + " -c script", depth);
  }

  private void env(Args a, int depth) throws ShellRefusal {
    List<ShellWord> split = List.of();
    while (a.has()) {
      String o = a.peek();
      if (o.equals("--")) {
        a.next();
        break;
      }
      if (o.equals("-")) {
        a.next();
        continue;
      }
      if (o.startsWith("--")) {
        a.next();
        String opt = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
        switch (opt) {
          case "--ignore-environment",
              "--null",
              "--debug",
              "--list-signal-handling",
              "--ignore-signal",
              "--default-signal",
              "--block-signal" -> {}
          case "--unset", "--chdir", "--split-string" -> {
            ShellWord v = o.contains("=") ? a.valueOf(o) : a.nextWord();
            if (opt.equals("--split-string")) {
              split = splitString(v);
            }
          }
          default -> throw a.unknown(o);
        }
        continue;
      }
      if (!o.startsWith("-")) {
        break;
      }
      a.next();
      for (int c = 1; c < o.length(); c++) {
        char ch = o.charAt(c);
        if ("i0v".indexOf(ch) >= 0) {
          continue;
        }
        if ("uCS".indexOf(ch) >= 0) {
          ShellWord v = c + 1 < o.length() ? ShellWord.literal(o.substring(c + 1)) : a.nextWord();
          if (ch == 'S') {
            split = splitString(v);
          }
          break;
        }
        throw a.unknown(o);
      }
    }
    List<ShellWord> rest = new ArrayList<>(split);
    rest.addAll(a.rest());
    int k = 0;
    while (k < rest.size()) {
      var m = ENV_ASSIGNMENT.matcher(rest.get(k).text());
      if (!m.matches()) {
        break;
      }
      checkEnvName(m.group(1));
      k++;
    }
    if (k < rest.size()) {
      simple(rest.subList(k, rest.size()), depth);
    }
  }

  private static List<ShellWord> splitString(ShellWord v) throws ShellRefusal {
    if (v.isOpaque()) {
      throw new ShellRefusal("env -S '" + v.raw() + "' has " + reason(v));
    }
    for (char c : ";&|<>()\n".toCharArray()) {
      if (v.text().indexOf(c) >= 0) {
        throw new ShellRefusal("env -S string with '" + c + "' cannot be checked");
      }
    }
    List<List<ShellWord>> cmds = ShellLexer.lex(v.text());
    return cmds.isEmpty() ? List.of() : cmds.get(0);
  }

  private void sudo(Args a, String name, int depth) throws ShellRefusal {
    boolean shell = false;
    boolean edit = false;
    while (a.has()) {
      String o = a.peek();
      if (o.equals("--")) {
        a.next();
        break;
      }
      if (!o.startsWith("-") || o.length() < 2) {
        break;
      }
      a.next();
      if (o.startsWith("--")) {
        String opt = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
        switch (opt) {
          case "--user",
              "--group",
              "--host",
              "--prompt",
              "--role",
              "--type",
              "--other-user",
              "--chdir",
              "--chroot",
              "--close-from",
              "--command-timeout",
              "--login-class" -> {
            if (!o.contains("=")) {
              a.next();
            }
          }
          case "--shell", "--login" -> shell = true;
          case "--edit" -> edit = true;
          case "--preserve-env",
              "--non-interactive",
              "--background",
              "--askpass",
              "--bell",
              "--set-home",
              "--preserve-groups",
              "--stdin",
              "--reset-timestamp" -> {}
          default -> throw a.unknown(o);
        }
        continue;
      }
      for (int c = 1; c < o.length(); c++) {
        char ch = o.charAt(c);
        if ("CDghpRrtTUuc".indexOf(ch) >= 0) {
          if (c + 1 == o.length()) {
            a.next();
          }
          break;
        }
        if (ch == 's' || ch == 'i') {
          shell = true;
        } else if (ch == 'e') {
          edit = true;
        } else if ("ABbEHKklNnPSVvL".indexOf(ch) < 0) {
          throw a.unknown(o);
        }
      }
    }
    if (edit) {
      out.add(new SimpleCommand("sudoedit", a.rest()));
      return;
    }
    if (!a.has()) {
      if (shell) {
        throw new ShellRefusal(
            name + " -s/-i without a command starts a shell that cannot be checked");
      }
      return;
    }
    // With -s or -i the arguments run through the shell; treating them as the command is
    // conservative because sudo escapes their metacharacters.
    simple(a.rest(), depth);
  }

  private void su(Args a, int depth) throws ShellRefusal {
    ShellWord command = null;
    List<ShellWord> rest = a.rest();
    for (int k = 0; k < rest.size(); k++) {
      String t = rest.get(k).text();
      if ((t.equals("-c") || t.equals("--command") || t.equals("--session-command"))
          && k + 1 < rest.size()) {
        command = rest.get(k + 1);
      } else if (t.startsWith("--command=") || t.startsWith("--session-command=")) {
        command = ShellWord.literal(t.substring(t.indexOf('=') + 1));
        if (rest.get(k).isOpaque()) {
          throw new ShellRefusal("su " + rest.get(k).raw() + " has " + reason(rest.get(k)));
        }
      }
    }
    if (command == null) {
      throw new ShellRefusal("su without -c starts a shell that cannot be checked");
    }
    script(command, "su -c script", depth);
  }

  private void xargs(Args a, int depth) throws ShellRefusal {
    String replace = null;
    while (a.has()) {
      String o = a.peek();
      if (o.equals("--")) {
        a.next();
        break;
      }
      if (!o.startsWith("-") || o.length() < 2) {
        break;
      }
      a.next();
      if (o.startsWith("--")) {
        String opt = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
        switch (opt) {
          case "--replace" -> replace = o.contains("=") ? o.substring(o.indexOf('=') + 1) : "{}";
          case "--arg-file",
              "--delimiter",
              "--eof",
              "--max-lines",
              "--max-args",
              "--max-procs",
              "--max-chars",
              "--process-slot-var" -> {
            if (!o.contains("=")) {
              a.next();
            }
          }
          case "--null",
              "--no-run-if-empty",
              "--verbose",
              "--interactive",
              "--exit",
              "--open-tty",
              "--show-limits" -> {}
          default -> throw a.unknown(o);
        }
        continue;
      }
      char ch = o.charAt(1);
      if (ch == 'I' || ch == 'i') {
        replace = o.length() > 2 ? o.substring(2) : (ch == 'I' ? a.next() : "{}");
      } else if ("adELlnPs".indexOf(ch) >= 0) {
        if (o.length() == 2 && ch != 'l') {
          a.next();
        }
      } else if (!o.substring(1).chars().allMatch(c -> "0rtpxo".indexOf(c) >= 0)) {
        throw a.unknown(o);
      }
    }
    List<ShellWord> cmd = new ArrayList<>();
    for (ShellWord w : a.rest()) {
      if (replace != null && !replace.isEmpty() && w.text().contains(replace)) {
        cmd.add(
            new ShellWord(
                w.text().replace(replace, String.valueOf(ShellWord.ANY)),
                w.raw(),
                "xargs input",
                w.quoted()));
      } else {
        cmd.add(w);
      }
    }
    if (cmd.isEmpty()) {
      cmd.add(ShellWord.literal("echo"));
    }
    if (replace == null) {
      cmd.add(new ShellWord(String.valueOf(ShellWord.ANY), "(stdin)", "xargs input", false));
    }
    simple(cmd, depth);
  }

  private void find(Args a, int depth) throws ShellRefusal {
    List<ShellWord> args = a.rest();
    out.add(new SimpleCommand("find", args));
    for (int k = 0; k < args.size(); k++) {
      String t = args.get(k).text();
      if (t.equals("-exec") || t.equals("-execdir") || t.equals("-ok") || t.equals("-okdir")) {
        List<ShellWord> cmd = new ArrayList<>();
        int j = k + 1;
        while (j < args.size()
            && !args.get(j).text().equals(";")
            && !(args.get(j).text().equals("+")
                && j > k + 1
                && (args.get(j - 1).text().equals("{}")
                    || args.get(j - 1).text().equals(String.valueOf(ShellWord.ANY))))) {
          ShellWord x = args.get(j);
          cmd.add(
              x.text().contains("{}")
                  ? new ShellWord(
                      x.text().replace("{}", String.valueOf(ShellWord.ANY)),
                      x.raw(),
                      "a file name from find",
                      x.quoted())
                  : x);
          j++;
        }
        if (!cmd.isEmpty()) {
          simple(cmd, depth);
        }
        k = j;
      }
    }
  }

  private static ShellWord joined(List<ShellWord> words) {
    if (words.isEmpty()) {
      return null;
    }
    StringBuilder t = new StringBuilder();
    StringBuilder raw = new StringBuilder();
    String opaque = null;
    for (ShellWord w : words) {
      t.append(t.isEmpty() ? "" : " ").append(w.text());
      raw.append(raw.isEmpty() ? "" : " ").append(w.raw());
      if (opaque == null && w.isOpaque()) {
        opaque = reason(w);
      }
    }
    return new ShellWord(t.toString(), raw.toString(), opaque, false);
  }

  private static void checkEnvName(String name) throws ShellRefusal {
    String upper = name.toUpperCase(Locale.ROOT);
    if (upper.startsWith("LD_")
        || upper.startsWith("BASH_FUNC_")
        || Set.of(
                "BASH_ENV",
                "ENV",
                "IFS",
                "PS4",
                "SHELLOPTS",
                "BASHOPTS",
                "PROMPT_COMMAND",
                "ZDOTDIR",
                "GCONV_PATH")
            .contains(upper)
        || name.contains("%")
        || name.contains("(")) {
      throw new ShellRefusal("setting " + name + " changes what runs; it cannot be checked");
    }
  }

  static String basename(String word) {
    String t = word;
    while (t.length() > 1 && t.endsWith("/")) {
      t = t.substring(0, t.length() - 1);
    }
    int slash = t.lastIndexOf('/');
    return slash < 0 || t.length() == 1 ? t : t.substring(slash + 1);
  }

  private static String reason(ShellWord w) {
    return w.opaque() != null ? w.opaque() : "text that cannot be resolved";
  }

  /** A cursor over a wrapper's arguments with small option parsing. */
  private static final class Args {
    private final List<ShellWord> words;
    private final String command;
    private int k;
    ShellWord commandOption;

    Args(List<ShellWord> words, String command) {
      this.words = words;
      this.command = command;
    }

    boolean has() {
      return k < words.size();
    }

    String peek() {
      return words.get(k).text();
    }

    String next() throws ShellRefusal {
      return nextWord().text();
    }

    ShellWord nextWord() throws ShellRefusal {
      if (!has()) {
        throw new ShellRefusal("'" + command + "' is missing an argument");
      }
      ShellWord w = words.get(k++);
      if (w.isOpaque() && w.text().startsWith("-")) {
        throw new ShellRefusal("the option '" + w.raw() + "' of " + command + " has " + reason(w));
      }
      return w;
    }

    ShellWord valueOf(String option) {
      return ShellWord.literal(option.substring(option.indexOf('=') + 1));
    }

    List<ShellWord> rest() {
      return words.subList(k, words.size());
    }

    void endOfOptions() {
      if (has() && peek().equals("--")) {
        k++;
      }
    }

    void flags(String flags) throws ShellRefusal {
      options(flags, "");
    }

    /** Short flags, short options with a value (attached or next), and known long flags. */
    void options(String flags, String withValue, String... longFlags) throws ShellRefusal {
      Set<String> longs = Set.of(longFlags);
      while (has()) {
        ShellWord word = words.get(k);
        String o = word.text();
        if (o.equals("--")) {
          k++;
          return;
        }
        if (!o.startsWith("-") || o.length() < 2) {
          return;
        }
        if (word.isOpaque()) {
          throw new ShellRefusal(
              "the option '" + word.raw() + "' of " + command + " has " + reason(word));
        }
        k++;
        if (o.startsWith("--")) {
          String opt = o.contains("=") ? o.substring(0, o.indexOf('=')) : o;
          if (longs.contains(opt)) {
            continue;
          }
          // long options with a value, given as --name=value
          if (o.contains("=") && !withValue.isEmpty()) {
            continue;
          }
          throw unknown(o);
        }
        for (int c = 1; c < o.length(); c++) {
          char ch = o.charAt(c);
          if (flags.indexOf(ch) >= 0) {
            continue;
          }
          if (withValue.indexOf(ch) >= 0) {
            ShellWord v = c + 1 < o.length() ? ShellWord.literal(o.substring(c + 1)) : nextWord();
            if (ch == 'c' && command.equals("flock")) {
              commandOption = v;
            }
            break;
          }
          throw unknown(o);
        }
      }
    }

    ShellRefusal unknown(String option) {
      return new ShellRefusal(
          "the option '" + option + "' of " + command + " is not known to the policy");
    }
  }
}
