package io.hoop.engine.kubernetes.request;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Set;

/**
 * The client's headers the proxy must not pass to the API server as they are: {@code Impersonate-*}
 * would make the role's credential act as another user or group (refused), and {@code
 * Authorization} is replaced by the role's credential (dropped, never forwarded).
 */
public final class RequestHeaders {
  /** Headers the proxy drops from the client's request before it injects the role's credential. */
  public static final Set<String> DROPPED = Set.of("authorization", "proxy-authorization");

  private RequestHeaders() {}

  /**
   * Refuses a request carrying a header hoop does not let through.
   *
   * @throws KubeRequestException naming the header
   */
  public static void check(Iterable<String> names) throws KubeRequestException {
    requireNonNull(names, "names");
    for (String n : names) {
      String lower = n.toLowerCase(Locale.ROOT);
      if (lower.startsWith("impersonate-")) {
        throw new KubeRequestException(
            "header '"
                + KubeRequestParser.printable(n)
                + "' would act as another identity than the role's; impersonation is refused");
      }
    }
  }
}
