package io.hoop.completion;

import io.hoop.completion.CommandTree.Kind;
import io.hoop.completion.CommandTree.Node;
import io.hoop.completion.CommandTree.Opt;
import io.hoop.completion.CommandTree.Positional;
import io.hoop.completion.CommandTree.Values;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The fish completion of a command tree: a function that walks the tokens before the cursor
 * (printing the command's number and how many positional arguments it has), and one {@code
 * complete} line per subcommand, option and positional parameter, with descriptions.
 */
final class FishScript {
  private final String program;
  private final String fn;
  private final CommandTree tree;

  FishScript(String program, CommandTree tree) {
    this.program = program;
    this.fn = "__" + program.replace('-', '_') + "_completion";
    this.tree = tree;
  }

  String script() {
    StringBuilder s = new StringBuilder();
    s.append("# fish completion for ")
        .append(program)
        .append(", generated from its command model by `")
        .append(program)
        .append(" completion fish`.\n");
    s.append("# This shell:   ").append(program).append(" completion fish | source\n");
    s.append("# Every shell:  ")
        .append(program)
        .append(" completion fish > ~/.config/fish/completions/")
        .append(program)
        .append(".fish\n");
    state(s);
    s.append("# Whether the cursor is in command $argv[1] (and at positional $argv[2]).\n");
    s.append("function ").append(fn).append("_at\n");
    s.append("    set -l state (").append(fn).append("_state)\n");
    s.append("    test \"$state[1]\" = \"$argv[1]\"; or return 1\n");
    s.append("    set -q argv[2]; or return 0\n");
    s.append("    test \"$argv[2]\" = '*'; and return 0\n");
    s.append("    test \"$state[2]\" = \"$argv[2]\"\n");
    s.append("end\n\n");
    if (tree.nodes().stream().anyMatch(FishScript::hasLive)) {
      live(s);
    }
    s.append("complete -c ").append(program).append(" -e\n");
    s.append("complete -c ").append(program).append(" -f\n");
    s.append("complete -c ").append(program).append(" -n '").append(fn).append("_at -1' -F\n");
    for (Node n : tree.nodes()) {
      node(s, n);
    }
    return s.toString();
  }

  private void state(StringBuilder s) {
    s.append("# Prints the number of the command at the cursor (-1 after --), the number of\n");
    s.append("# positional arguments before the cursor, and the --profile given, one a line.\n");
    s.append("function ").append(fn).append("_state\n");
    s.append("    set -l node 0\n    set -l pos 0\n    set -l want\n    set -l profile\n");
    s.append("    for w in (commandline -opc)[2..-1]\n");
    s.append("        if test -n \"$want\"\n");
    s.append("            test \"$want\" = --profile; and set profile $w\n");
    s.append("            set want\n");
    s.append("            continue\n");
    s.append("        end\n");
    s.append("        switch \"$node:$w\"\n");
    for (Node n : tree.nodes()) {
      for (Map.Entry<String, Integer> c : n.children().entrySet()) {
        s.append("            case '")
            .append(n.id())
            .append(':')
            .append(c.getKey())
            .append("'\n                set node ")
            .append(c.getValue())
            .append("\n                set pos 0\n");
      }
    }
    List<String> valued = new ArrayList<>();
    for (Node n : tree.nodes()) {
      for (Opt o : n.options()) {
        if (o.values() != null) {
          for (String name : o.names()) {
            valued.add("'" + n.id() + ":" + name + "'");
          }
        }
      }
    }
    if (!valued.isEmpty()) {
      s.append("            case ").append(String.join(" ", valued)).append("\n");
      s.append("                set want $w\n");
    }
    s.append("            case '*:--'\n                set node -1\n");
    s.append("            case '*:-*'\n");
    s.append("            case '*'\n                set pos (math $pos + 1)\n");
    s.append("        end\n");
    s.append("    end\n");
    s.append("    printf '%s\\n' $node $pos \"$profile\"\n");
    s.append("end\n\n");
  }

  private void live(StringBuilder s) {
    s.append(
        "# Candidates the program knows now (targets, request ids...), from its short-lived\n");
    s.append(
        "# cache; it never prompts and prints nothing when it cannot answer within a second.\n");
    s.append("function ").append(fn).append("_live\n");
    s.append("    set -l self (commandline -opc)[1]\n");
    s.append("    set self (string replace -r '^~/' \"$HOME/\" -- $self)\n");
    s.append("    type -q -- $self; or return 0\n");
    s.append("    set -l state (").append(fn).append("_state)\n");
    s.append("    set -l args __complete $argv[1] (commandline -ct)\n");
    s.append("    test -n \"$state[3]\"; and set args --profile $state[3] $args\n");
    s.append(
        "    $self $args 2>/dev/null </dev/null | string match -r '^[A-Za-z0-9_][A-Za-z0-9._-]*$'\n");
    s.append("end\n\n");
  }

  private void node(StringBuilder s, Node n) {
    String at = fn + "_at " + n.id();
    for (Map.Entry<String, Integer> c : n.children().entrySet()) {
      Node child = tree.nodes().get(c.getValue());
      s.append("complete -c ")
          .append(program)
          .append(" -n '")
          .append(at)
          .append("' -a ")
          .append(c.getKey())
          .append(description(child.description()))
          .append('\n');
    }
    for (Opt o : n.options()) {
      s.append("complete -c ").append(program).append(" -n '").append(at).append("'");
      for (String name : o.names()) {
        if (name.startsWith("--")) {
          s.append(" -l ").append(name.substring(2));
        } else if (name.length() == 2) {
          s.append(" -s ").append(name.substring(1));
        } else {
          s.append(" -o ").append(name.substring(1));
        }
      }
      if (o.values() != null) {
        s.append(valueArgs(o.values()));
      }
      s.append(description(o.description())).append('\n');
    }
    for (Positional p : n.positionals()) {
      List<String> indexes = new ArrayList<>();
      if (p.to() == Integer.MAX_VALUE) {
        indexes.add("*");
      } else {
        for (int i = p.from(); i <= p.to(); i++) {
          indexes.add(Integer.toString(i));
        }
      }
      if (p.values().kind() == Kind.NONE) {
        continue;
      }
      for (String index : indexes) {
        s.append("complete -c ")
            .append(program)
            .append(" -n '")
            .append(at)
            .append(' ')
            .append(index)
            .append("'")
            .append(positionalArgs(p.values()))
            .append('\n');
      }
    }
  }

  /** {@code complete} flags for an option's value. */
  private String valueArgs(Values v) {
    return switch (v.kind()) {
      case NONE -> " -x";
      case WORDS -> " -x -a '" + String.join(" ", v.words()) + "'";
      case FILES -> " -r -F";
      case LIVE -> " -x -a '(" + fn + "_live " + v.live() + ")'";
    };
  }

  private String positionalArgs(Values v) {
    return switch (v.kind()) {
      case NONE -> "";
      case WORDS -> " -a '" + String.join(" ", v.words()) + "'";
      case FILES -> " -F";
      case LIVE -> " -a '(" + fn + "_live " + v.live() + ")'";
    };
  }

  /** {@code -d 'TEXT'}, quoted for fish (in single quotes only \\ and ' are special). */
  static String description(String text) {
    if (text == null || text.isBlank()) {
      return "";
    }
    String clean = text.replaceAll("\\p{Cntrl}", " ");
    return " -d '" + clean.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static boolean hasLive(Node n) {
    return n.options().stream().anyMatch(o -> o.values() != null && o.values().kind() == Kind.LIVE)
        || n.positionals().stream().anyMatch(p -> p.values().kind() == Kind.LIVE);
  }
}
