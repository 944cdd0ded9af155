package io.hoop.engine.ssh.policy;

/**
 * The shell lexer or the command analysis met something the policy cannot see through; the message
 * names the construct. Under any deny or review rule this fails the command closed.
 */
final class ShellRefusal extends Exception {
  private static final long serialVersionUID = 1L;

  ShellRefusal(String message) {
    super(message, null, false, false);
  }
}
