package io.hoop.cli.broker;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Other replicas of the broker, from {@code HOOP_BROKER_REPLICAS} ({@code host:port} entries,
 * comma-separated, IPv6 in brackets): a tunnel's new connections go to the next one when the broker
 * cannot be reached. A broker name that resolves to several addresses needs none of this: every
 * address is tried.
 */
public final class BrokerReplicas {
  /** The variable that names them. */
  public static final String ENV = "HOOP_BROKER_REPLICAS";

  private static final int MAX = 16;
  private static final Pattern ENTRY =
      Pattern.compile("^(?:\\[([0-9A-Fa-f:.]{2,45})\\]|([A-Za-z0-9.-]{1,253})):(\\d{1,5})$");

  private BrokerReplicas() {}

  /**
   * The base URLs a call to the broker may go to: {@code profileUrl} first, then each replica with
   * the same scheme.
   */
  public static List<String> baseUrls(String profileUrl, List<InetSocketAddress> replicas) {
    String base =
        profileUrl.endsWith("/") ? profileUrl.substring(0, profileUrl.length() - 1) : profileUrl;
    List<String> all = new ArrayList<>();
    all.add(base);
    int colon = base.indexOf("://");
    String scheme = colon < 0 ? "https://" : base.substring(0, colon + 3);
    for (InetSocketAddress r : replicas) {
      String host = r.getHostString();
      String url = scheme + (host.contains(":") ? "[" + host + "]" : host) + ":" + r.getPort();
      if (!all.contains(url)) {
        all.add(url);
      }
    }
    return List.copyOf(all);
  }

  /** The replicas the environment names; none when the variable is unset or empty. */
  public static List<InetSocketAddress> from(CliEnvironment env) {
    return parse(env.get(ENV));
  }

  /**
   * Parses the variable's value.
   *
   * @throws HoopException.Usage naming the entry that is not {@code host:port}
   */
  static List<InetSocketAddress> parse(String value) {
    List<InetSocketAddress> out = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return out;
    }
    String[] entries = value.split(",", -1);
    if (entries.length > MAX) {
      throw new HoopException.Usage(
          ENV + " names " + entries.length + " replicas; at most " + MAX + " are tried");
    }
    for (String raw : entries) {
      String e = raw.strip();
      Matcher m = ENTRY.matcher(e);
      int port = m.matches() ? Integer.parseInt(m.group(3)) : -1;
      if (port < 1 || port > 65535) {
        String shown = e.length() > 60 ? e.substring(0, 60) + "..." : e;
        throw new HoopException.Usage(
            ENV
                + ": '"
                + shown.replaceAll("\\p{Cntrl}", "?")
                + "' is not host:port (e.g. "
                + ENV
                + "=hoop-b.example.com:8443,[2001:db8::2]:8443)");
      }
      out.add(
          InetSocketAddress.createUnresolved(m.group(1) != null ? m.group(1) : m.group(2), port));
    }
    return out;
  }
}
