package io.hoop.engine.ssh.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the shell lexer, the command analysis and the exec guard: no exception but the lexer's own
 * refusal, bounded time, and a refusal is always a denial. Regression mode runs in every build.
 */
class ShellLexerFuzzTest {
  private static final ExecPolicy DENY_LIST =
      new ExecPolicy(List.of(ExecRule.of("r0", "rm *", Action.DENY, null)), Action.ALLOW);
  private static final ExecPolicy ALLOW_LIST =
      new ExecPolicy(List.of(ExecRule.of("r0", "ls *", Action.ALLOW, null)), Action.DENY);

  @FuzzTest(maxDuration = "30s")
  void analysisRefusesOrSplits(byte[] input) {
    String command = new String(input, StandardCharsets.UTF_8);
    long start = System.nanoTime();
    boolean refused = false;
    try {
      for (SimpleCommand c : CommandAnalyzer.analyze(command)) {
        assertThat(c.name()).isNotNull();
        c.joinedNormalized();
      }
    } catch (ShellRefusal e) {
      refused = true;
      assertThat(e.getMessage()).isNotBlank();
    }
    Decision deny = ExecGuard.decide(command, DENY_LIST);
    Decision allow = ExecGuard.decide(command, ALLOW_LIST);
    if (refused) {
      assertThat(deny.action()).isEqualTo(Action.DENY);
      assertThat(allow.action()).isEqualTo(Action.DENY);
    }
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }

  @FuzzTest(maxDuration = "30s")
  void hiddenRmIsNeverAllowed(byte[] input) {
    // Whatever surrounds it, a command line ending in a line "rm x" is caught or refused
    // (two newlines: a trailing backslash joins only the first).
    String command = new String(input, StandardCharsets.UTF_8) + "\n\n rm x";
    Decision d = ExecGuard.decide(command, DENY_LIST);
    assertThat(d.action()).as(command).isEqualTo(Action.DENY);
  }
}
