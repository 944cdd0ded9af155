package io.hoop.engine.ssh.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
  private static final String ANY = String.valueOf(ShellWord.ANY);

  @Test
  void literalMatching() {
    assertThat(Glob.of("rm *").matches("rm -rf /")).isTrue();
    assertThat(Glob.of("rm *").matches("rmdir x")).isFalse();
    assertThat(Glob.of("r?").matches("rm")).isTrue();
    assertThat(Glob.of("[a-c]x").matches("bx")).isTrue();
    assertThat(Glob.of("[!a-c]x").matches("bx")).isFalse();
    assertThat(Glob.of("a\\*").matches("a*")).isTrue();
    assertThat(Glob.of("a\\*").matches("ab")).isFalse();
    assertThat(Glob.path("/etc/*").matches("/etc/x/y")).isFalse();
    assertThat(Glob.path("/etc/**").matches("/etc/x/y")).isTrue();
  }

  @Test
  void unresolvedPartsMayMatch() {
    assertThat(Glob.of("cat /etc/shadow").mayMatch("cat " + ANY)).isTrue();
    assertThat(Glob.of("cat /etc/shadow").mayMatch("cat /etc/sh" + ANY + "w")).isTrue();
    assertThat(Glob.of("cat /etc/shadow").mayMatch("cat /var/" + ANY)).isFalse();
    assertThat(Glob.of("cat /etc/shadow").mayMatch("cat /etc/shadow" + ANY)).isTrue();
    assertThat(Glob.of("cat /etc/shadow").mayMatch("ls " + ANY)).isFalse();
    assertThat(Glob.of("rm -rf *").mayMatch("rm " + ANY + " x")).isTrue();
    assertThat(Glob.of("a?c").mayMatch("a" + ANY + "c")).isTrue();
    assertThat(Glob.of("abc").mayMatch(ANY + ANY)).isTrue();
  }

  @Test
  void unresolvedPartsAlwaysMatchOnlyUnderAStar() {
    assertThat(Glob.of("ls *").alwaysMatches("ls " + ANY)).isTrue();
    assertThat(Glob.of("ls a?").alwaysMatches("ls a" + ANY)).isFalse();
    assertThat(Glob.of("ls a").alwaysMatches("ls " + ANY)).isFalse();
  }
}
