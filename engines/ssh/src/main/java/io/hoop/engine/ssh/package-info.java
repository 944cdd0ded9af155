/**
 * The ssh engine: the broker's SSH server end for the user's unchanged OpenSSH client, carried over
 * the tunnel, bridged channel by channel to an SSH client that logs in to the target with a
 * credential only the broker holds; command guardrails and asciicast recordings.
 */
package io.hoop.engine.ssh;
