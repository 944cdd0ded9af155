package io.hoop.cli;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * How hoop's help looks: colours only where {@link CliEnvironment#colour} allows (picocli would
 * otherwise guess from the console and ignore {@code NO_COLOR}), and command lists that show each
 * subcommand's whole first sentence, not the first line of its description cut mid-sentence.
 */
final class HelpLayout {
  private HelpLayout() {}

  /** Applies the layout to {@code cl} and every subcommand it has now. */
  static void apply(CommandLine cl, CliEnvironment environment) {
    cl.setColorScheme(Help.defaultColorScheme(environment.colour() ? Ansi.ON : Ansi.OFF));
    Map<String, CommandLine.IHelpSectionRenderer> sections =
        new LinkedHashMap<>(cl.getHelpSectionMap());
    sections.put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, HelpLayout::commandList);
    cl.setHelpSectionMap(sections);
    for (CommandLine sub : distinct(cl.getSubcommands()).values()) {
      apply(sub, environment);
    }
  }

  /**
   * The first sentence of a command's description (its header instead, if it has one): the lines
   * joined up to the first full stop that ends a line or is followed by a space.
   */
  static String summary(UsageMessageSpec usage) {
    if (usage.header().length > 0) {
      return usage.header()[0];
    }
    String text = String.join(" ", usage.description()).replaceAll("\\s+", " ").strip();
    for (int i = text.indexOf('.'); i >= 0; i = text.indexOf('.', i + 1)) {
      boolean end = i == text.length() - 1 || text.charAt(i + 1) == ' ';
      // "e.g." and "i.e." are no sentence's end.
      boolean abbreviation =
          i >= 3 && (text.startsWith("e.g", i - 3) || text.startsWith("i.e", i - 3));
      if (end && !abbreviation) {
        return text.substring(0, i + 1);
      }
    }
    return text;
  }

  private static String commandList(Help help) {
    Map<CommandLine, String> commands = new LinkedHashMap<>();
    distinct(help.commandSpec().commandLine().getSubcommands())
        .forEach(
            (name, sub) -> {
              if (!sub.getCommandSpec().usageMessage().hidden()) {
                commands.put(sub, name);
              }
            });
    if (commands.isEmpty()) {
      return "";
    }
    // As picocli lays it out: two spaces, the names, two spaces, the summary.
    int nameColumn = commands.values().stream().mapToInt(String::length).max().orElse(0) + 4;
    TextTable table =
        TextTable.forColumns(
            help.colorScheme(),
            new Help.Column(nameColumn, 2, Help.Column.Overflow.SPAN),
            new Help.Column(
                help.commandSpec().usageMessage().width() - nameColumn,
                0,
                Help.Column.Overflow.WRAP));
    commands.forEach(
        (sub, name) ->
            table.addRowValues(
                help.colorScheme().commandText(name),
                help.colorScheme().text(summary(sub.getCommandSpec().usageMessage()))));
    return table.toString();
  }

  /** Subcommands by their first name: picocli lists aliases under the same command again. */
  private static Map<String, CommandLine> distinct(Map<String, CommandLine> byName) {
    Map<CommandLine, String> seen = new IdentityHashMap<>();
    Map<String, CommandLine> out = new LinkedHashMap<>();
    byName.forEach(
        (name, sub) -> {
          if (seen.putIfAbsent(sub, name) == null) {
            out.put(name, sub);
          }
        });
    return out;
  }
}
