package io.hoop.engine.http.policy;

import static java.util.Objects.requireNonNull;

/**
 * A request target (the URI of the request line) in the one form the rules check and the target
 * receives: rules are matched against {@link #path()} and the target is sent {@link #path()} plus
 * the original query, so what was checked is what is served.
 *
 * <p>Normalisation: only origin-form ({@code /path?query}) is accepted; percent-encoded unreserved
 * characters (letters, digits, {@code - . _ ~}) are decoded and every other escape is kept with
 * upper-case hex. Everything a target could read differently from the broker is refused rather than
 * guessed: dot segments ({@code .}, {@code ..}, also as {@code %2e}), empty segments ({@code //}),
 * an encoded slash or backslash ({@code %2F}, {@code %5C}), a raw backslash, path parameters
 * ({@code ;}, which servlet containers strip), an encoded NUL or control character, malformed
 * escapes, a fragment, and any byte outside printable ASCII.
 *
 * @param path the normalised path
 * @param query the query as received, without the {@code ?}; null when there is none
 */
public record RequestTarget(String path, String query) {
  /** The longest request target accepted (longer: 414). */
  public static final int MAX_LENGTH = 8 * 1024;

  public RequestTarget {
    requireNonNull(path, "path");
  }

  /** What goes on the request line toward the target. */
  public String uri() {
    return query == null ? path : path + "?" + query;
  }

  /** A request target the broker refuses, with the reason for the client. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /**
   * Normalises {@code uri} from the request line.
   *
   * @throws Refused naming what is wrong
   */
  public static RequestTarget parse(String uri) throws Refused {
    requireNonNull(uri, "uri");
    if (uri.length() > MAX_LENGTH) {
      throw new Refused("the request target is longer than " + MAX_LENGTH + " characters");
    }
    if (!uri.startsWith("/")) {
      throw new Refused(
          "the request target must be a path starting with '/' (origin-form); absolute URIs,"
              + " authority and '*' forms are not relayed");
    }
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c <= 0x20 || c >= 0x7f) {
        throw new Refused("the request target has a byte outside printable ASCII at " + i);
      }
      if (c == '#') {
        throw new Refused("the request target has a fragment ('#'), which clients never send");
      }
    }
    int q = uri.indexOf('?');
    String rawPath = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? null : uri.substring(q + 1);
    if (query != null) {
      checkEscapes(query, "query");
    }
    StringBuilder out = new StringBuilder(rawPath.length());
    String[] segments = rawPath.substring(1).split("/", -1);
    for (int s = 0; s < segments.length; s++) {
      String segment = decodeUnreserved(segments[s]);
      if (segment.isEmpty() && s < segments.length - 1) {
        throw new Refused(
            "the path has an empty segment ('//'), which targets resolve differently");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw new Refused("the path has a dot segment ('" + segment + "'); send the resolved path");
      }
      out.append('/').append(segment);
    }
    return new RequestTarget(out.toString(), query);
  }

  private static String decodeUnreserved(String segment) throws Refused {
    StringBuilder out = new StringBuilder(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '\\') {
        throw new Refused("the path has a backslash, which some targets read as '/'");
      }
      if (c == ';') {
        throw new Refused(
            "the path has a ';' parameter, which some targets strip before routing; not relayed");
      }
      if (c != '%') {
        out.append(c);
        continue;
      }
      int v = escape(segment, i);
      i += 2;
      if (v == '/' || v == '\\') {
        throw new Refused(
            "the path has an encoded '"
                + (char) v
                + "' (%"
                + hex(v)
                + "), which targets decode"
                + " differently; not relayed");
      }
      if (v < 0x20 || v == 0x7f) {
        throw new Refused("the path has an encoded control character (%" + hex(v) + ")");
      }
      if (unreserved(v)) {
        out.append((char) v);
      } else {
        out.append('%').append(hex(v));
      }
    }
    return out.toString();
  }

  private static void checkEscapes(String s, String where) throws Refused {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '%') {
        escape(s, i);
        i += 2;
      }
    }
  }

  private static int escape(String s, int i) throws Refused {
    if (i + 2 >= s.length()) {
      throw new Refused("a '%' is not followed by two hex digits");
    }
    int hi = Character.digit(s.charAt(i + 1), 16);
    int lo = Character.digit(s.charAt(i + 2), 16);
    if (hi < 0 || lo < 0) {
      throw new Refused("a '%' is not followed by two hex digits");
    }
    return hi * 16 + lo;
  }

  private static boolean unreserved(int c) {
    return c >= 'A' && c <= 'Z'
        || c >= 'a' && c <= 'z'
        || c >= '0' && c <= '9'
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static String hex(int v) {
    return String.format("%02X", v);
  }
}
