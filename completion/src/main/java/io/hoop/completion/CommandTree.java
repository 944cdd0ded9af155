package io.hoop.completion;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * What completion needs of a picocli model: the visible commands, numbered in walk order (0 is the
 * root), with their options and positional parameters and where each one's values come from.
 */
final class CommandTree {
  /** Where the values of an option or positional parameter come from. */
  enum Kind {
    /** Free text: nothing to offer. */
    NONE,
    /** Fixed words (enum constants, picocli completion candidates). */
    WORDS,
    /** File names. */
    FILES,
    /** Asked of the running program ({@link LiveSlot}). */
    LIVE
  }

  /** The values of one parameter. */
  record Values(Kind kind, List<String> words, String live) {
    static final Values NONE = new Values(Kind.NONE, List.of(), null);
  }

  /** An option; {@code values} is null for a flag (an option without a value). */
  record Opt(List<String> names, String description, Values values) {}

  /** Positional parameters at indexes {@code from..to} ({@code to} is MAX_VALUE when open). */
  record Positional(int from, int to, Values values) {}

  /** A command: {@code path} is empty for the root. */
  record Node(
      int id,
      String path,
      String description,
      Map<String, Integer> children,
      List<Opt> options,
      List<Positional> positionals) {}

  // A full stop before a capital letter; not the one of "e.g. 30m".
  private static final java.util.regex.Pattern SENTENCE_END =
      java.util.regex.Pattern.compile("\\.\\s+(?=[A-Z])");

  private final List<Node> nodes = new ArrayList<>();
  private final List<LiveSlot> live;

  private CommandTree(List<LiveSlot> live) {
    this.live = live;
  }

  /** The tree of {@code root}'s visible commands. */
  static CommandTree of(CommandLine root, List<LiveSlot> live) {
    CommandTree tree = new CommandTree(List.copyOf(Objects.requireNonNull(live, "live")));
    tree.add(root, "");
    for (LiveSlot slot : live) {
      if (!tree.uses(slot)) {
        throw new IllegalArgumentException(
            "live slot " + slot + " names no parameter of the model (renamed or removed?)");
      }
    }
    return tree;
  }

  List<Node> nodes() {
    return nodes;
  }

  private int add(CommandLine command, String path) {
    int id = nodes.size();
    nodes.add(null);
    CommandSpec spec = command.getCommandSpec();
    Map<String, Integer> children = new LinkedHashMap<>();
    // subcommands() lists aliases too, each with the same CommandLine: one node per command.
    Map<CommandLine, Integer> seen = new LinkedHashMap<>();
    for (Map.Entry<String, CommandLine> e : spec.subcommands().entrySet()) {
      CommandLine sub = e.getValue();
      if (sub.getCommandSpec().usageMessage().hidden() || !Candidates.isModelWord(e.getKey())) {
        continue;
      }
      Integer childId = seen.get(sub);
      if (childId == null) {
        String childPath = path.isEmpty() ? e.getKey() : path + " " + e.getKey();
        childId = add(sub, childPath);
        seen.put(sub, childId);
      }
      children.put(e.getKey(), childId);
    }
    List<Opt> options = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (o.hidden()) {
        continue;
      }
      List<String> names = List.of(o.names()).stream().filter(Candidates::isModelWord).toList();
      if (names.isEmpty()) {
        continue;
      }
      Values values = o.arity().max() > 0 ? values(path, o, names) : null;
      options.add(new Opt(names, describe(o.description()), values));
    }
    List<Positional> positionals = new ArrayList<>();
    for (PositionalParamSpec p : spec.positionalParameters()) {
      if (p.hidden()) {
        continue;
      }
      CommandLine.Range index = p.index();
      int to = index.isVariable() ? Integer.MAX_VALUE : index.max();
      positionals.add(
          new Positional(index.min(), to, values(path, p, List.of(Integer.toString(index.min())))));
    }
    nodes.set(
        id,
        new Node(
            id,
            path,
            describe(spec.usageMessage().description()),
            children,
            List.copyOf(options),
            List.copyOf(positionals)));
    return id;
  }

  private Values values(String path, ArgSpec arg, List<String> keys) {
    for (String key : keys) {
      for (LiveSlot slot : live) {
        if (slot.matches(path, key)) {
          return new Values(Kind.LIVE, List.of(), slot.kind());
        }
      }
    }
    Iterable<String> candidates = arg.completionCandidates();
    if (candidates != null) {
      List<String> words = new ArrayList<>();
      for (String c : candidates) {
        if (Candidates.isModelWord(c)) {
          words.add(c);
        }
      }
      if (!words.isEmpty()) {
        return new Values(Kind.WORDS, List.copyOf(words), null);
      }
    }
    Class<?> type = arg.type();
    if (Path.class.isAssignableFrom(type) || File.class.isAssignableFrom(type)) {
      return new Values(Kind.FILES, List.of(), null);
    }
    if (type == boolean.class || type == Boolean.class) {
      return new Values(Kind.WORDS, List.of("true", "false"), null);
    }
    return Values.NONE;
  }

  private boolean uses(LiveSlot slot) {
    for (Node n : nodes) {
      for (Opt o : n.options()) {
        if (o.values() != null && slot.kind().equals(o.values().live())) {
          for (String name : o.names()) {
            if (slot.matches(n.path(), name)) {
              return true;
            }
          }
        }
      }
      for (Positional p : n.positionals()) {
        if (slot.kind().equals(p.values().live())
            && slot.matches(n.path(), Integer.toString(p.from()))) {
          return true;
        }
      }
    }
    return false;
  }

  /** The first sentence of a description, on one line, at most 80 characters. */
  static String describe(String[] lines) {
    if (lines == null || lines.length == 0) {
      return "";
    }
    String text =
        String.join(" ", lines)
            .replace("%n", " ")
            .replaceAll("\\$\\{[^}]*}", "")
            .replaceAll("\\s+", " ")
            .strip();
    java.util.regex.Matcher end = SENTENCE_END.matcher(text);
    if (end.find()) {
      text = text.substring(0, end.start());
    }
    if (text.endsWith(".")) {
      text = text.substring(0, text.length() - 1);
    }
    return text.length() <= 80 ? text : text.substring(0, 77).strip() + "...";
  }
}
