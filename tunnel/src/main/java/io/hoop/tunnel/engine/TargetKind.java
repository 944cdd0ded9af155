package io.hoop.tunnel.engine;

/**
 * A kind of target the broker's config accepts ({@code type: ssh}): the parser of its engine's
 * section, which is the target key named like the type ({@code ssh:} on an ssh target). Pure: it
 * reads files the section names (password files, keys) but holds no runtime state, so config checks
 * run without a broker. Registered with its {@link Engine} in the broker's one engine list.
 */
public interface TargetKind {
  /** The {@code type} value this kind serves, also the key of its section. */
  String type();

  /**
   * Validates one target's section.
   *
   * @param place the target's name, key and address, and its top-level {@code engine} key
   * @param raw the section as plain YAML values (maps, lists, strings, numbers, booleans), null
   *     when the target has none
   * @throws SectionException naming the key, e.g. {@code targets[2].ssh.roles.ops.keyFile}
   */
  TargetSection parse(TargetPlace place, Object raw) throws SectionException;

  /**
   * Where a section sits.
   *
   * @param key the target's key in the config, e.g. {@code targets[2]}; error messages start with
   *     it
   * @param name the target's name
   * @param host upstream host
   * @param port upstream port
   * @param engine the target's {@code engine} key (e.g. {@code tcp} for a raw relay of a protocol
   *     target), null when absent; a kind that has no use for it refuses it
   */
  record TargetPlace(String key, String name, String host, int port, String engine) {
    public TargetPlace {
      java.util.Objects.requireNonNull(key, "key");
      java.util.Objects.requireNonNull(name, "name");
      java.util.Objects.requireNonNull(host, "host");
    }
  }

  /** A section that is not valid; the message names the key and what was expected. */
  final class SectionException extends Exception {
    private static final long serialVersionUID = 1L;

    public SectionException(String message) {
      super(message);
    }
  }
}
