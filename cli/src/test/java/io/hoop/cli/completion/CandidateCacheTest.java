package io.hoop.cli.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidateCacheTest {
  static final Instant T = Instant.parse("2026-12-07T12:00:00Z");
  @TempDir Path dir;

  private CandidateCache cache() {
    return new CandidateCache(dir.resolve("completion"));
  }

  private static CandidateCache.Entry entry(List<String> words) {
    return new CandidateCache.Entry("https://broker:8443", T, null, words);
  }

  @Test
  void roundTripsInAnOwnerOnlyFileAndDirectory() throws IOException {
    cache().write("targets", entry(List.of("prod-db", "web-1")));
    assertThat(cache().read("targets")).contains(entry(List.of("prod-db", "web-1")));
    assertThat(Files.getPosixFilePermissions(dir.resolve("completion")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("completion/targets")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    try (var files = Files.list(dir.resolve("completion"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("targets");
    }
  }

  @Test
  void unsafeCandidatesAreNeverWrittenAndAMultiLineBrokerIsRefused() throws IOException {
    cache()
        .write(
            "targets",
            entry(List.of("ok-1", "a b", "$(touch x)", "a\nrm -rf ~", "`id`", "'q'", "ok-2")));
    assertThat(cache().read("targets").orElseThrow().candidates()).containsExactly("ok-1", "ok-2");
    assertThatThrownBy(
            () ->
                cache()
                    .write(
                        "targets",
                        new CandidateCache.Entry("https://b\nfetched 0", T, null, List.of())))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cache().read("../credentials.json"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFileReadableByOthersIsIgnored() throws IOException {
    cache().write("targets", entry(List.of("prod-db")));
    Path file = dir.resolve("completion/targets");
    for (String mode : List.of("rw-r--r--", "rw-rw----", "rw-----w-", "rwx--x--x")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
      assertThat(cache().read("targets")).as(mode).isEmpty();
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
    assertThat(cache().read("targets")).isPresent();
  }

  @Test
  void aSymlinkOrADirectoryIsIgnored() throws IOException {
    cache().write("real", entry(List.of("prod-db")));
    Path link = dir.resolve("completion/targets");
    Files.createSymbolicLink(link, dir.resolve("completion/real"));
    assertThat(cache().read("targets")).isEmpty();
    Files.delete(link);
    Files.createDirectory(link);
    assertThat(cache().read("targets")).isEmpty();
  }

  @Test
  void aCorruptFileIsIgnoredAndReplacedByTheNextWrite() throws IOException {
    String good = "hoop-completion-cache 1\nbroker https://b\nfetched 1\nfailed 0\nprod-db\n";
    assertThat(CandidateCache.parse(good)).isPresent();
    for (String bad :
        List.of(
            "",
            "garbage",
            good.replace("cache 1", "cache 2"),
            good.replace("fetched 1", "fetched x"),
            good.replace("failed 0", "failed"),
            good.replace("broker https://b", "broker"),
            good.replace("prod-db", "prod db"),
            good.replace("prod-db", "$(id)"),
            good.substring(0, good.length() - 1),
            good.replace("fetched 1", "fetched 99999999999999999999"),
            good + "x".repeat(200) + "\n")) {
      assertThat(CandidateCache.parse(bad)).as(bad).isEmpty();
    }
    Path file = Files.createDirectories(dir.resolve("completion")).resolve("targets");
    Files.write(file, new byte[] {0, 1, 2, (byte) 0xff});
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    assertThat(cache().read("targets")).isEmpty();
    Files.writeString(file, good + "a\n".repeat(CandidateCache.MAX_BYTES));
    assertThat(cache().read("targets")).isEmpty();
    cache().write("targets", entry(List.of("web-1")));
    assertThat(cache().read("targets").orElseThrow().candidates()).containsExactly("web-1");
  }

  @Test
  void freshForTheTtlAndForAWhileAfterAFailure() {
    CandidateCache.Entry ok = entry(List.of("a"));
    assertThat(LiveCandidates.fresh(ok, T)).isTrue();
    assertThat(LiveCandidates.fresh(ok, T.plus(LiveCandidates.TTL).minusMillis(1))).isTrue();
    assertThat(LiveCandidates.fresh(ok, T.plus(LiveCandidates.TTL))).isFalse();
    // A clock set back (or a file from the future) is not trusted.
    assertThat(LiveCandidates.fresh(ok, T.minusSeconds(1))).isFalse();
    Instant failedAt = T.plusSeconds(600);
    CandidateCache.Entry failed = new CandidateCache.Entry("https://b", T, failedAt, List.of("a"));
    assertThat(LiveCandidates.fresh(failed, failedAt.plusSeconds(1))).isTrue();
    assertThat(LiveCandidates.fresh(failed, failedAt.plus(LiveCandidates.RETRY_AFTER))).isFalse();
  }
}
