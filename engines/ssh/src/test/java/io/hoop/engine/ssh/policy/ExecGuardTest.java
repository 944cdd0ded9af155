package io.hoop.engine.ssh.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attack list is the spec: each parameterized test is a class of ways to hide a denied command
 * (rm) from a deny-list policy; each must be caught by the rule or refused as unparseable.
 */
class ExecGuardTest {
  static final ExecPolicy DENY_LIST =
      new ExecPolicy(
          List.of(
              ExecRule.of("exec.rules[0]", "rm *", Action.DENY, "deleting files is not allowed"),
              ExecRule.of("exec.rules[1]", "dd *", Action.REVIEW, null),
              ExecRule.of("exec.rules[2]", "cat /etc/shadow", Action.DENY, null),
              ExecRule.of("exec.rules[3]", "shutdown*", Action.DENY, null)),
          Action.ALLOW);

  static final ExecPolicy ALLOW_LIST =
      new ExecPolicy(
          List.of(
              ExecRule.of("exec.allow[0]", "ls *", Action.ALLOW, null),
              ExecRule.of("exec.allow[1]", "cat /var/log/*", Action.ALLOW, null),
              ExecRule.of("exec.allow[2]", "grep *", Action.ALLOW, null)),
          Action.DENY);

  private static Decision decide(String command) {
    return ExecGuard.decide(command, DENY_LIST);
  }

  private static void assertCaughtByRm(String command) {
    Decision d = decide(command);
    assertThat(d.action()).as(command).isEqualTo(Action.DENY);
    assertThat(d.rule()).as(command + " -> " + d.message()).isEqualTo("exec.rules[0]");
    assertThat(d.message()).contains("exec.rules[0] 'rm *'").contains("deleting files");
  }

  private static void assertRefused(String command) {
    Decision d = decide(command);
    assertThat(d.action()).as(command).isEqualTo(Action.DENY);
    assertThat(d.rule()).as(command + " -> " + d.message()).isEqualTo(ExecGuard.UNPARSEABLE);
    assertThat(d.message()).startsWith("refused: ");
  }

  private static void assertDenied(String command) {
    Decision d = decide(command);
    assertThat(d.action()).as(command + " -> " + d.message()).isEqualTo(Action.DENY);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rm -rf /",
        "rm",
        "r''m -rf /",
        "r\\m -rf /",
        "\\r\\m x",
        "\"rm\" -rf /",
        "'rm' -rf /",
        "r\"m\" x",
        "$'rm' -rf /",
        "$'\\x72m' -rf /",
        "$'\\162m' x",
        "$'\\u0072m' x",
        "$'\\U00000072m' x",
        "$\"rm\" x",
        "r\\\nm x",
        "  rm\tx  ",
      })
  void quotingTricks(String command) {
    assertCaughtByRm(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/bin/rm -rf /",
        "./rm x",
        "/usr/bin/../bin/rm x",
        "//bin//rm x",
        "~/bin/rm x",
        "../../bin/rm x",
        "/bin/rm/ x",
        "'/bin/rm' x",
        "/bin/\"rm\" x",
      })
  void commandWordPaths(String command) {
    assertCaughtByRm(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ls; rm -rf /",
        "ls;rm x",
        "ls && rm x",
        "ls&&rm x",
        "ls || rm x",
        "ls | rm x",
        "ls |& rm x",
        "ls & rm x",
        "ls\nrm x",
        "(rm x)",
        "(ls; (rm x))",
        "{ rm x; }",
        "if true; then rm x; fi",
        "if false; then ls; else rm x; fi",
        "while true; do rm x; done",
        "until false; do rm x; done",
        "for f in a b; do rm $f; done",
        "f() { rm x; }; f",
        "function f { rm x; }; f",
        "! rm x",
        "time rm x",
        "time -p rm x",
        "ls 2>&1 | rm x",
        "echo >/tmp/x; rm y",
        "ls >/dev/null 2>&1 && rm x",
        "case a in a) rm x;; esac",
        "ls # comment\nrm x",
        "noglob rm x",
      })
  void chains(String command) {
    assertCaughtByRm(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sh -c 'rm -rf /'",
        "bash -c \"rm x\"",
        "dash -c rm",
        "zsh -c 'ls; rm x'",
        "ksh -c 'rm x'",
        "bash -lc 'rm x'",
        "bash -e -c 'rm x'",
        "bash --norc --noprofile -c 'rm x'",
        "bash -o pipefail -c 'rm x'",
        "sh -c \"sh -c 'rm x'\"",
        "/bin/sh -c 'r\"\"m x'",
        "sh -c 'rm x' name arg",
        "eval rm x",
        "eval 'ls; rm x'",
        "eval \"bash -c 'rm x'\"",
        "busybox rm x",
        "busybox sh -c 'rm x'",
        "env sh -c 'rm x'",
      })
  void shellsAndEval(String command) {
    assertCaughtByRm(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "env rm x",
        "env -i rm x",
        "env -u HOME rm x",
        "env -uHOME rm x",
        "env --unset=HOME rm x",
        "env FOO=bar rm x",
        "env -i FOO=1 /bin/rm x",
        "env -- rm x",
        "env -S 'rm x'",
        "env -C /tmp rm x",
        "FOO=bar rm x",
        "A=1 B='2 3' rm x",
        "command rm x",
        "command -p rm x",
        "builtin command rm x",
        "exec rm x",
        "exec -a foo rm x",
        "nice rm x",
        "nice -n 10 rm x",
        "nice -10 rm x",
        "nohup rm x",
        "timeout 5 rm x",
        "timeout -s KILL 5 rm x",
        "timeout --preserve-status 5 rm x",
        "sudo rm x",
        "sudo -u root rm x",
        "sudo -uroot rm x",
        "sudo -u root -- rm x",
        "sudo -n -E rm x",
        "sudo --user=root rm x",
        "sudo -s rm x",
        "doas rm x",
        "doas -u root rm x",
        "su -c 'rm x'",
        "su root -c 'rm x'",
        "su - root -c 'ls; rm x'",
        "runuser -u root -- rm x",
        "runuser -l root -c 'rm x'",
        "stdbuf -oL rm x",
        "setsid rm x",
        "ionice -c 3 rm x",
        "chroot / rm x",
        "taskset 1 rm x",
        "flock /tmp/l rm x",
        "flock /tmp/l -c 'rm x'",
        "watch rm x",
        "watch -n 1 'ls; rm x'",
        "nice nohup sudo env FOO=1 timeout 3 command rm x",
      })
  void wrappers(String command) {
    assertCaughtByRm(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "echo / | xargs rm -rf",
        "xargs rm",
        "xargs -0 rm",
        "xargs -r -n 1 rm",
        "xargs -I{} rm {}",
        "xargs -I % rm %",
        "xargs --null rm",
        "find / -exec rm {} \\;",
        "find / -exec rm -rf {} +",
        "find . -execdir rm {} ';'",
        "find / -ok rm {} \\;",
        "find . -name x -exec sh -c 'rm x' \\;",
        "find . -exec ls {} \\; -exec rm {} \\;",
      })
  void xargsAndFind(String command) {
    assertCaughtByRm(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "$X -rf /",
        "${X} x",
        "\"$X\" x",
        "r$X x",
        "$1 x",
        "$@",
        "r* x",
        "/bin/r? x",
        "/bin/r[m] x",
        "r{m,x} x",
        "{rm,ls} x",
        "=rm x",
        "$=X x",
        "$~X x",
        "ls $+",
        "ls $=",
        "xargs -I{} {} x",
        "sh -c \"$CMD\"",
        "eval $CMD",
        "eval \"rm $X\"",
        "bash -c \"r$X x\"",
        "env -S \"$X\"",
        "su -c \"$X\"",
      })
  void expansionInTheCommandWord(String command) {
    assertRefused(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ls $(rm x)",
        "ls `rm x`",
        "ls \"$(rm x)\"",
        "echo '$(rm x)'",
        "cat <(rm x)",
        "tee >(rm x)",
        "cat <<EOF\nrm x\nEOF",
        "cat <<-EOF\nrm x\nEOF",
        "echo $((1+2))",
        "echo $[1+2]",
        "((x=1))",
        "echo ${x:0:1}",
        "echo ${!x}",
        "echo ${x@P}",
        "echo ${x/a/b}",
        "echo ${x:-'}'}",
        "echo ${x:-${y}}",
        "echo ${(e)x}",
        "echo $'\\x24(rm x)'",
        "echo $'\\x60rm x\\x60'",
        "ls *(e:'rm x':)",
        "a=(1 2)",
        "ls @(a|b)",
      })
  void substitutionsAndHiddenText(String command) {
    assertRefused(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ls 'x",
        "ls \"x",
        "ls $'x",
        "ls \\",
        "ls\0rm",
        "ls\rrm x",
        "ls \u001b[2J",
        "ls \u0085",
        "ls \u007f",
        "ls >",
        "ls > ;rm x",
        "echo ${x",
        "ls $'\\0'",
        "ls $'\\x00'",
      })
  void malformedAndControlBytes(String command) {
    assertRefused(command);
  }

  @Test
  void overLongInputIsRefused() {
    assertRefused("ls " + "a".repeat(ShellLexer.MAX_INPUT));
    assertRefused("ls" + " a".repeat(ShellLexer.MAX_WORDS + 1));
  }

  @Test
  void longWrapperChainsAreRefusedNotOverflowed() {
    assertRefused("nice ".repeat(3000) + "rm x");
    assertRefused("ls;".repeat(1100));
    assertCaughtByRm("nice ".repeat(50) + "rm x");
  }

  @Test
  void deepNestingIsRefused() {
    String cmd = "ls";
    for (int k = 0; k < CommandAnalyzer.MAX_DEPTH + 2; k++) {
      cmd = "sh -c " + quote(cmd);
    }
    assertRefused(cmd);
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bash",
        "bash script.sh",
        "sh -s",
        "sh < /tmp/x",
        "echo rm x | sh",
        "bash <<< 'rm x'",
        ". ./x",
        "source x",
        "alias x=rm",
        "trap 'rm x' EXIT",
        "hash -p /bin/rm ls; ls",
        "enable -f x.so y",
        "[[ $x -eq 1 ]]",
        "let x=1",
        "declare -i x",
        "typeset x",
        "local x",
        "read x",
        "mapfile x",
        "printf -v x y",
        "unset x",
        "test -v x",
        "[ -v x ]",
        "sudo -s",
        "sudo -i",
        "su",
        "su - root",
        "chroot /",
        "coproc rm x",
        "compgen -C x y",
      })
  void scriptsAndBuiltinsThatEvaluateHiddenText(String command) {
    assertRefused(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "LD_PRELOAD=/tmp/x.so ls",
        "BASH_ENV=/tmp/x bash -c ls",
        "ENV=/tmp/x sh -c ls",
        "env BASH_ENV=/tmp/x bash -c ls",
        "env 'BASH_FUNC_ls%%=() { rm x; }' bash -c ls",
        "IFS=/ ls",
        "export LD_PRELOAD=/x",
        "export -f x",
        "env LD_AUDIT=x ls",
        "PS4='x' ls",
        "SHELLOPTS=xtrace ls",
        "PROMPT_COMMAND=x ls",
      })
  void environmentThatChangesWhatRuns(String command) {
    assertRefused(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "env --frobnicate rm x",
        "env -Z rm x",
        "sudo --weird rm x",
        "sudo -Z rm x",
        "xargs --weird rm",
        "timeout -Z 5 rm x",
        "env -S 'rm x; ls'",
      })
  void unknownWrapperOptions(String command) {
    assertRefused(command);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cat /etc/shadow",
        "cat $F",
        "cat \"$F\"",
        "cat ${F}",
        "cat /etc/sha*",
        "cat /etc/sh?dow",
        "cat /etc/[s]hadow",
        "cat /etc/{shadow,passwd}",
        "cat /etc/../etc/shadow",
        "cat //etc//shadow",
        "cat /etc/./shadow",
        "cat /e*/shadow",
        "cat /etc/shad\"\"ow",
        "xargs cat",
        "find /etc -name shadow -exec cat {} \\;",
      })
  void argumentsThatMayExpandToADeniedOne(String command) {
    Decision d = decide(command);
    assertThat(d.action()).as(command + " -> " + d.message()).isEqualTo(Action.DENY);
    assertThat(d.rule()).isEqualTo("exec.rules[2]");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "# only a comment",
        "ls -la",
        "cat /var/log/syslog",
        "cat /etc/passwd",
        "echo hello world",
        "ls | grep x",
        "FOO=1 ls",
        "ls # rm -rf /",
        "grep -r 'rm' .",
        "echo rm -rf /",
        "rmdir x",
        "systemctl status nginx",
        "df -h",
        "ls 2>/dev/null",
        "uptime && free -m",
        "echo $HOME",
        "echo \"home is $HOME\"",
        "sh -c 'ls -la'",
        "sudo systemctl restart nginx",
        "find . -name '*.log'",
        "cat \"a b\"",
        "echo 'a;rm x'",
        "echo a#b",
        "printf '%s\\n' a",
        "tail -n 100 /var/log/syslog | grep -i error",
        "export LANG=C",
        "ls {}",
      })
  void ordinaryCommandsStillRun(String command) {
    Decision d = decide(command);
    assertThat(d.action()).as(command + " -> " + d.message()).isEqualTo(Action.ALLOW);
  }

  @Test
  void reviewRulesHoldAndDenyWins() {
    Decision review = decide("dd if=/dev/zero of=/dev/sda");
    assertThat(review.action()).isEqualTo(Action.REVIEW);
    assertThat(review.rule()).isEqualTo("exec.rules[1]");
    assertThat(review.message()).startsWith("needs review: ").contains("'dd *'");
    assertThat(decide("ls; dd x").action()).isEqualTo(Action.REVIEW);
    assertThat(decide("dd x; rm y").action()).isEqualTo(Action.DENY);
    assertThat(decide("dd x; rm y").rule()).isEqualTo("exec.rules[0]");
    assertThat(decide("shutdown -h now").rule()).isEqualTo("exec.rules[3]");
  }

  @Test
  void firstMatchWins() {
    ExecPolicy p =
        new ExecPolicy(
            List.of(
                ExecRule.of("r0", "rm -i *", Action.ALLOW, null),
                ExecRule.of("r1", "rm *", Action.DENY, null)),
            Action.ALLOW);
    assertThat(ExecGuard.decide("rm -i x", p).action()).isEqualTo(Action.ALLOW);
    assertThat(ExecGuard.decide("rm -f x", p).action()).isEqualTo(Action.DENY);
    // an unresolved argument can only be vouched for by an allow rule that covers every value
    assertThat(ExecGuard.decide("rm $X", p).action()).isEqualTo(Action.DENY);
  }

  @Test
  void regexRulesRefineTheGlob() {
    ExecPolicy p =
        new ExecPolicy(
            List.of(
                new ExecRule(
                    "r0",
                    Glob.of("git *"),
                    Pattern.compile("push .*--force"),
                    Action.DENY,
                    "no force pushes")),
            Action.ALLOW);
    assertThat(ExecGuard.decide("git push origin --force", p).action()).isEqualTo(Action.DENY);
    assertThat(ExecGuard.decide("git push origin", p).action()).isEqualTo(Action.ALLOW);
    assertThat(ExecGuard.decide("git push $ARGS", p).action()).isEqualTo(Action.DENY);
    ExecPolicy regexOnly =
        new ExecPolicy(
            List.of(
                new ExecRule("r0", null, Pattern.compile("^curl .*\\| *sh"), Action.DENY, null)),
            Action.ALLOW);
    assertThat(ExecGuard.decide("curl x", regexOnly).action()).isEqualTo(Action.ALLOW);
  }

  @Test
  void unguardedRolesDoNotParse() {
    assertThat(ExecGuard.decide("ls $(whoami)", ExecPolicy.allowAll()).action())
        .isEqualTo(Action.ALLOW);
    ExecPolicy onlyAllow =
        new ExecPolicy(List.of(ExecRule.of("r", "ls *", Action.ALLOW, null)), Action.ALLOW);
    assertThat(onlyAllow.guarded()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ls",
        "ls -la /tmp",
        "cat /var/log/syslog",
        "cat /var/log/nginx/access.log",
        "ls | grep error",
        "ls /var && cat /var/log/x",
        "grep -r \"$PATTERN\" /var/log",
      })
  void allowListAllows(String command) {
    Decision d = ExecGuard.decide(command, ALLOW_LIST);
    assertThat(d.action()).as(command + " -> " + d.message()).isEqualTo(Action.ALLOW);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cat /etc/shadow",
        "cat /var/log/../../etc/shadow",
        "cat /var/log/$F",
        "cat /var/log/*",
        "cat /var/log/.*/../../etc/shadow",
        "cat $F",
        "ls; rm x",
        "ls | sh",
        "vim /etc/hosts",
        "ls $(x)",
        "l$X",
        "sh -c 'cat /etc/shadow'",
        "env ls -la; id",
        "cat /var/log/x /etc/shadow",
      })
  void allowListDenies(String command) {
    Decision d = ExecGuard.decide(command, ALLOW_LIST);
    assertThat(d.action()).as(command + " -> " + d.message()).isEqualTo(Action.DENY);
  }

  @Test
  void allowListMessagesNameTheCommand() {
    Decision d = ExecGuard.decide("cat /etc/shadow", ALLOW_LIST);
    assertThat(d.rule()).isEqualTo(ExecGuard.NOT_ALLOWED);
    assertThat(d.message()).isEqualTo("denied: 'cat /etc/shadow' is not in the allow list");
  }
}
