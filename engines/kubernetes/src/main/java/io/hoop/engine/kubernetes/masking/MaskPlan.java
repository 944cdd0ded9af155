package io.hoop.engine.kubernetes.masking;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What the proxy does to one request and its response so that its secrets never reach the client:
 * the {@code Accept} header to send instead of the client's (JSON only: protobuf and YAML cannot be
 * masked by a JSON masker), identity encoding (no gzip the masker cannot read), the response shape,
 * and the pointers to mask. A response whose {@code Content-Type} is not JSON when {@link
 * #requireJson} is set must be refused, never passed through.
 *
 * @param accept the Accept header to send upstream; null to keep the client's
 * @param identityEncoding whether {@code Accept-Encoding} must be dropped (or set to identity)
 * @param requireJson whether a non-JSON response must be refused
 * @param shape how the body is framed
 * @param rules where to mask, within each framed document
 * @param reason why masking applies, for the recording (e.g. {@code secret data})
 */
public record MaskPlan(
    String accept,
    boolean identityEncoding,
    boolean requireJson,
    Shape shape,
    List<MaskRule> rules,
    String reason) {
  private static final MaskPlan NONE =
      new MaskPlan(null, false, false, Shape.DOCUMENT, List.of(), "");

  public MaskPlan {
    requireNonNull(shape, "shape");
    rules = List.copyOf(requireNonNull(rules, "rules"));
    requireNonNull(reason, "reason");
  }

  /** Nothing to mask: the response passes as it is. */
  public static MaskPlan none() {
    return NONE;
  }

  /** Whether anything is masked. */
  public boolean masks() {
    return !rules.isEmpty();
  }

  /** How the response body is framed. */
  public enum Shape {
    /** One JSON document (an object, a list, a Table, a Status). */
    DOCUMENT,
    /**
     * A watch: a stream of JSON event objects {@code {"type":..,"object":..}}, one after another
     * (the API server writes one per line, flushed); each is masked on its own.
     */
    WATCH_EVENTS
  }
}
