package io.hoop.completion;

import io.hoop.completion.CommandTree.Kind;
import io.hoop.completion.CommandTree.Node;
import io.hoop.completion.CommandTree.Opt;
import io.hoop.completion.CommandTree.Positional;
import io.hoop.completion.CommandTree.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The bash completion function of a command tree; zsh runs the same function through its {@code
 * bashcompinit} layer. One function walks the words before the cursor through a table of the model
 * (subcommands, options that take a value) and offers the options, subcommands or values that fit
 * where the cursor is. Words from the running program are filtered by the script too, and never
 * reach {@code compgen -W} (which would expand them).
 */
final class BashScript {
  private final String program;
  private final String fn;
  private final CommandTree tree;

  BashScript(String program, CommandTree tree) {
    this.program = program;
    this.fn = "_" + program.replace('-', '_') + "_completion";
    this.tree = tree;
  }

  String bash() {
    StringBuilder s = new StringBuilder();
    s.append("# bash completion for ")
        .append(program)
        .append(", generated from its command model by `")
        .append(program)
        .append(" completion bash`.\n");
    s.append("# This shell:   source <(").append(program).append(" completion bash)\n");
    s.append("# Every shell:  ")
        .append(program)
        .append(" completion bash > ~/.local/share/bash-completion/completions/")
        .append(program)
        .append('\n');
    functions(s);
    s.append("complete -F ").append(fn).append(' ').append(program).append('\n');
    return s.toString();
  }

  String zsh() {
    StringBuilder s = new StringBuilder();
    s.append("#compdef ").append(program).append('\n');
    s.append("# zsh completion for ")
        .append(program)
        .append(", generated from its command model by `")
        .append(program)
        .append(" completion zsh`.\n");
    s.append("# Every shell:  ")
        .append(program)
        .append(" completion zsh > ~/.zfunc/_")
        .append(program)
        .append("  with  fpath=(~/.zfunc $fpath)  before compinit in ~/.zshrc\n");
    s.append("# This shell:   source <(")
        .append(program)
        .append(" completion zsh)   (after compinit)\n");
    s.append("# It runs the bash completion function through zsh's bashcompinit.\n");
    s.append("autoload -U +X bashcompinit && bashcompinit\n");
    functions(s);
    s.append("complete -F ").append(fn).append(' ').append(program).append('\n');
    // Autoloaded from fpath, this file is the body of _PROGRAM, run for the first TAB: answer it.
    s.append("if [[ ${funcstack[1]-} == _")
        .append(program)
        .append(" ]]; then\n  _bash_complete -F ")
        .append(fn)
        .append("\nfi\n");
    return s.toString();
  }

  private void functions(StringBuilder s) {
    List<Node> nodes = tree.nodes();
    s.append(fn).append("() {\n");
    s.append("  local cur=${COMP_WORDS[COMP_CWORD]} pre= node=0 pos=0 want= profile= w i\n");
    s.append("  COMPREPLY=()\n");
    s.append("  for ((i = 1; i < COMP_CWORD; i++)); do\n");
    s.append("    w=${COMP_WORDS[i]}\n");
    s.append("    if [[ -n $want ]]; then\n");
    s.append("      [[ $w == = ]] && continue # bash splits --option=value at '='\n");
    s.append("      [[ $want == --profile ]] && profile=$w\n");
    s.append("      want=\n");
    s.append("      continue\n");
    s.append("    fi\n");
    s.append("    case $node:$w in\n");
    for (Node n : nodes) {
      for (Map.Entry<String, Integer> c : n.children().entrySet()) {
        s.append("      ")
            .append(n.id())
            .append(':')
            .append(c.getKey())
            .append(") node=")
            .append(c.getValue())
            .append(" pos=0 ;;\n");
      }
    }
    List<String> valued = new ArrayList<>();
    for (Node n : nodes) {
      for (Opt o : n.options()) {
        if (o.values() != null) {
          for (String name : o.names()) {
            valued.add(n.id() + ":" + name);
          }
        }
      }
    }
    if (!valued.isEmpty()) {
      s.append("      ").append(String.join("|", valued)).append(") want=$w ;;\n");
    }
    s.append("      *:--) node=-1 ;; # the rest is the command's own: file names\n");
    s.append("      *:-*) ;;\n");
    s.append("      *) pos=$((pos + 1)) ;;\n");
    s.append("    esac\n");
    s.append("  done\n");
    s.append("  if [[ -n $want && $cur == = ]]; then\n");
    s.append("    cur= pre==\n");
    s.append("  elif [[ -z $want && $cur == -*=* ]]; then\n");
    s.append("    want=${cur%%=*} pre=${cur%%=*}= cur=${cur#*=}\n");
    s.append("  fi\n");
    s.append("  if ((node < 0)); then\n");
    s.append("    ").append(fn).append("_files\n");
    s.append("  elif [[ -n $want ]]; then\n");
    s.append("    ").append(fn).append("_values \"$node:$want\"\n");
    s.append("  elif [[ $cur == -* ]]; then\n");
    s.append("    case $node in\n");
    for (Node n : nodes) {
      List<String> names = new ArrayList<>();
      n.options().forEach(o -> names.addAll(o.names()));
      if (!names.isEmpty()) {
        s.append("      ")
            .append(n.id())
            .append(") ")
            .append(fn)
            .append("_words '")
            .append(String.join(" ", names))
            .append("' ;;\n");
      }
    }
    s.append("    esac\n");
    s.append("  else\n");
    s.append("    case $node in\n");
    for (Node n : nodes) {
      if (!n.children().isEmpty()) {
        s.append("      ")
            .append(n.id())
            .append(") ")
            .append(fn)
            .append("_words '")
            .append(String.join(" ", n.children().keySet()))
            .append("' ;;\n");
      }
    }
    s.append("    esac\n");
    s.append("    ").append(fn).append("_values \"$node:@$pos\"\n");
    s.append("  fi\n");
    s.append("  return 0\n");
    s.append("}\n\n");
    values(s, nodes);
    helpers(s);
  }

  /** {@code FN_values NODE:OPTION} or {@code NODE:@INDEX}: the values of one parameter. */
  private void values(StringBuilder s, List<Node> nodes) {
    Map<String, List<String>> byAction = new LinkedHashMap<>();
    List<String> open = new ArrayList<>();
    Map<String, String> openAction = new LinkedHashMap<>();
    for (Node n : nodes) {
      for (Opt o : n.options()) {
        String action = o.values() == null ? null : action(o.values());
        if (action != null) {
          for (String name : o.names()) {
            byAction.computeIfAbsent(action, a -> new ArrayList<>()).add(n.id() + ":" + name);
          }
        }
      }
      for (Positional p : n.positionals()) {
        String action = action(p.values());
        if (action == null) {
          continue;
        }
        if (p.to() == Integer.MAX_VALUE) {
          String key = n.id() + ":@*";
          open.add(key);
          openAction.put(key, action);
        } else {
          for (int i = p.from(); i <= p.to(); i++) {
            byAction.computeIfAbsent(action, a -> new ArrayList<>()).add(n.id() + ":@" + i);
          }
        }
      }
    }
    s.append(fn).append("_values() {\n");
    s.append("  case $1 in\n");
    byAction.forEach(
        (action, keys) ->
            s.append("    ")
                .append(String.join("|", keys))
                .append(") ")
                .append(action)
                .append(" ;;\n"));
    // Open-ended positionals last: a fixed index of the same command wins.
    for (String key : open) {
      s.append("    ").append(key).append(") ").append(openAction.get(key)).append(" ;;\n");
    }
    s.append("  esac\n");
    s.append("}\n\n");
  }

  private String action(Values v) {
    return switch (v.kind()) {
      case NONE -> null;
      case WORDS -> fn + "_words '" + String.join(" ", v.words()) + "'";
      case FILES -> fn + "_files";
      case LIVE -> fn + "_live " + v.live();
    };
  }

  private void helpers(StringBuilder s) {
    // Words of the model are safe (Candidates.isModelWord): no glob or quote to protect from.
    s.append("# Offers each word of $1 that starts with the word at the cursor.\n");
    s.append(fn).append("_words() {\n");
    s.append("  local w\n");
    s.append("  for w in $1; do\n");
    s.append("    [[ $w == \"$cur\"* ]] && COMPREPLY+=(\"$pre$w\")\n");
    s.append("  done\n");
    s.append("  return 0\n");
    s.append("}\n\n");
    s.append(fn).append("_files() {\n");
    s.append("  type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null\n");
    s.append("  local IFS=$'\\n'\n");
    s.append("  COMPREPLY+=($(compgen -f -- \"$cur\"))\n");
    s.append("}\n");
    if (tree.nodes().stream().anyMatch(BashScript::hasLive)) {
      s.append('\n');
      s.append(
          "# Candidates the program knows now (targets, request ids...), from its short-lived\n");
      s.append(
          "# cache; it never prompts and prints nothing when it cannot answer within a second.\n");
      s.append("# Only words of letters, digits, '.', '_' and '-' are offered.\n");
      s.append(fn).append("_live() {\n");
      s.append("  local self=${COMP_WORDS[0]} out c\n");
      s.append("  [[ $self == \\~/* ]] && self=$HOME/${self#\\~/}\n");
      s.append("  local -a args\n");
      s.append("  args=(__complete \"$1\" \"$cur\")\n");
      s.append("  [[ -n $profile ]] && args=(--profile \"$profile\" \"${args[@]}\")\n");
      s.append("  out=$(\"$self\" \"${args[@]}\" 2>/dev/null </dev/null) || return 0\n");
      s.append("  while IFS= read -r c; do\n");
      s.append(
          "    [[ $c == [A-Za-z0-9_]* && $c != *[!A-Za-z0-9._-]* && $c == \"$cur\"* ]] &&"
              + " COMPREPLY+=(\"$pre$c\")\n");
      s.append("  done <<<\"$out\"\n");
      s.append("  return 0\n");
      s.append("}\n");
    }
  }

  private static boolean hasLive(Node n) {
    return n.options().stream().anyMatch(o -> o.values() != null && o.values().kind() == Kind.LIVE)
        || n.positionals().stream().anyMatch(p -> p.values().kind() == Kind.LIVE);
  }
}
