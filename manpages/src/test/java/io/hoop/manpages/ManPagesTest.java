package io.hoop.manpages;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

class ManPagesTest {
  @TempDir static Path out;
  static List<Path> pages;

  @BeforeAll
  static void writePages() throws IOException {
    pages = ManPages.write(out, "2026-11-22");
  }

  /** Every command a user can type, hidden ones left out (they have no page, like no help line). */
  private static void visible(CommandSpec spec, List<CommandSpec> into) {
    if (spec.usageMessage().hidden()) {
      return;
    }
    into.add(spec);
    spec.subcommands().values().stream()
        .map(CommandLine::getCommandSpec)
        .distinct() // aliases name the same command
        .forEach(sub -> visible(sub, into));
  }

  private static List<CommandSpec> everyCommand() {
    List<CommandSpec> all = new ArrayList<>();
    ManPages.commands().forEach(cl -> visible(cl.getCommandSpec(), all));
    return all;
  }

  @Test
  void everyCommandAndSubcommandHasAPageAndNoPageNamesNoCommand() {
    Set<String> expected =
        everyCommand().stream()
            .map(s -> ManPages.pageName(s) + ".1")
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> written =
        pages.stream()
            .map(p -> p.getFileName().toString())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(expected)
        .contains("hoop.1", "hoop-connect.1", "hoop-help.1", "hoop-broker.1", "hoop-broker-serve.1")
        .anyMatch(name -> name.startsWith("hoop-review-"));
    assertThat(written).isEqualTo(expected);
  }

  @Test
  void pagesAreTroffWithTheirNameAndSynopsis() throws IOException {
    for (CommandSpec spec : everyCommand()) {
      String name = ManPages.pageName(spec);
      String troff =
          Files.readString(out.resolve("man1").resolve(name + ".1"), StandardCharsets.UTF_8);
      assertThat(troff)
          .as(name)
          // troff escapes the title's hyphens: .TH "HOOP\-CONNECT" "1" "2026-11-22"
          .contains(
              ".TH \""
                  + name.toUpperCase(java.util.Locale.ROOT).replace("-", "\\-")
                  + "\" \"1\" \"2026-11-22\"")
          .contains(".SH \"NAME\"")
          .contains(".SH \"SYNOPSIS\"");
    }
  }

  /** What {@code man -l} makes of a page, as a reader sees it, with troff's warnings on. */
  private static String[] render(Path page) throws IOException, InterruptedException {
    Path err = Files.createTempFile(out, "man", ".err");
    ProcessBuilder man =
        new ProcessBuilder("man", "--warnings", "-l", page.toString())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    man.environment().put("MANWIDTH", "100");
    man.environment().remove("MANPAGER");
    man.environment().remove("PAGER");
    Process process = man.start();
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("man -l %s finished", page).isTrue();
    assertThat(process.exitValue()).as("man -l %s exit code", page).isZero();
    return new String[] {text, Files.readString(err)};
  }

  @Test
  void everyPageRendersWithManWithoutWarnings() throws Exception {
    for (Path page : pages) {
      String[] rendered = render(page);
      String name = page.getFileName().toString().replaceFirst("\\.1$", "");
      assertThat(rendered[1]).as("man's warnings for %s", name).isEmpty();
      assertThat(rendered[0]).as(name).contains("NAME").contains("SYNOPSIS").contains(name + " -");
    }
    String connect = render(out.resolve("man1/hoop-connect.1"))[0];
    assertThat(connect).contains("--task").contains("--duration");
  }
}
