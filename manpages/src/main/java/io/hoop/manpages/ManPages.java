package io.hoop.manpages;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.BrokerMain;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.Hoop;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.asciidoctor.Asciidoctor;
import org.asciidoctor.Attributes;
import org.asciidoctor.Options;
import org.asciidoctor.SafeMode;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the man pages of {@code hoop} and {@code hoop-broker}: one per command and subcommand,
 * from the same picocli model the programs parse with, so a page never drifts from its command.
 * picocli-codegen writes AsciiDoc ({@code adoc/hoop-connect.adoc}), AsciidoctorJ's manpage backend
 * renders it to troff ({@code man1/hoop-connect.1}).
 *
 * <p>usage: {@code java -cp ... io.hoop.manpages.ManPages OUT_DIR [TIMESTAMP]}; the day of the
 * timestamp ({@code 2026-11-22T00:00:00Z}: the build's reproducible one), if given, is the pages'
 * date, else today.
 */
public final class ManPages {
  private ManPages() {}

  /** The command models the pages are made from: hoop's full tree, then hoop-broker's. */
  public static List<CommandLine> commands() {
    // The model only: no environment is read and no command runs.
    return List.of(Hoop.commandLine(CliEnvironment.of(Map.of())), BrokerMain.commandLine());
  }

  /** The page name of a command: its qualified name with dashes, e.g. {@code hoop-review-list}. */
  public static String pageName(CommandSpec spec) {
    return spec.qualifiedName("-");
  }

  /**
   * Writes {@code out/adoc/*.adoc} and {@code out/man1/*.1} for every command that is not hidden,
   * and returns the troff pages written.
   */
  public static List<Path> write(Path out, String date) throws IOException {
    requireNonNull(out, "out");
    Path adoc = Files.createDirectories(out.resolve("adoc"));
    Path man1 = Files.createDirectories(out.resolve("man1"));
    CommandSpec[] specs =
        commands().stream().map(CommandLine::getCommandSpec).toArray(CommandSpec[]::new);
    int status = ManPageGenerator.generateManPage(adoc.toFile(), null, new boolean[0], true, specs);
    if (status != 0) {
      throw new IOException("picocli's man page generator exited " + status + " writing " + adoc);
    }
    List<Path> sources;
    try (Stream<Path> files = Files.list(adoc)) {
      sources = files.filter(f -> f.toString().endsWith(".adoc")).sorted().toList();
    }
    List<Path> pages = new ArrayList<>();
    Attributes attributes =
        date == null
            ? Attributes.builder().build()
            : Attributes.builder().attribute("docdate", date).attribute("revdate", date).build();
    try (Asciidoctor asciidoctor = Asciidoctor.Factory.create()) {
      for (Path source : sources) {
        String name = source.getFileName().toString().replaceFirst("\\.adoc$", "");
        Path page = man1.resolve(name + ".1");
        asciidoctor.convertFile(
            source.toFile(),
            Options.builder()
                .backend("manpage")
                .standalone(true)
                .safe(SafeMode.UNSAFE)
                .attributes(attributes)
                .toFile(page.toFile())
                .build());
        if (!Files.isRegularFile(page) || Files.size(page) == 0) {
          throw new IOException("asciidoctor wrote no man page " + page + " from " + source);
        }
        pages.add(page);
      }
    }
    return pages;
  }

  public static void main(String[] args) {
    if (args.length < 1 || args.length > 2) {
      System.err.println(
          "usage: ManPages OUT_DIR [TIMESTAMP]    (writes OUT_DIR/adoc, OUT_DIR/man1)");
      System.exit(2);
    }
    try {
      String date = null;
      if (args.length == 2) {
        if (!args[1].matches("\\d{4}-\\d{2}-\\d{2}.*")) {
          System.err.println("ManPages: '" + args[1] + "' is not a timestamp (YYYY-MM-DD...)");
          System.exit(2);
        }
        date = args[1].substring(0, 10);
      }
      List<Path> pages = write(new File(args[0]).toPath(), date);
      System.out.println("man pages: " + pages.size() + " in " + args[0] + "/man1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
