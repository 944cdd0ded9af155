package io.hoop.broker.config;

/** An invalid configuration file; the message names the file, the key and what was expected. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
