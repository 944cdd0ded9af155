package io.hoop.engine.http.proxy;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.HttpSettings;

/**
 * One tunnel as the proxy sees it: its settings, and what the broker said about its end (expiry
 * warning, goodbye). The proxy connection coming from the tunnel attaches itself on its first
 * request. Thread-safe: the broker calls from the tunnel's event loop, the proxy runs on its own.
 */
public final class ProxyTunnel {
  private final HttpSettings settings;
  private volatile String goodbye;
  private volatile String notice;
  private volatile ProxyConnection connection;

  public ProxyTunnel(HttpSettings settings) {
    this.settings = requireNonNull(settings, "settings");
  }

  HttpSettings settings() {
    return settings;
  }

  String goodbyeMessage() {
    return goodbye;
  }

  String notice() {
    return notice;
  }

  void attach(ProxyConnection connection) {
    this.connection = connection;
    String message = goodbye;
    if (message != null) {
      connection.goodbye(message);
    }
  }

  /** The grant ends soon: later responses carry {@code message} in a {@code Hoop-Notice} header. */
  public void expiresSoon(String message) {
    notice = message;
  }

  /**
   * The broker ends the tunnel: an idle connection is closed, a request still waiting for its
   * answer gets a 503 naming the grant, a response or stream in progress is cut.
   */
  public void goodbye(String message) {
    goodbye = requireNonNull(message, "message");
    ProxyConnection c = connection;
    if (c != null) {
      c.goodbye(message);
    }
  }
}
