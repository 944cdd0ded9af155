package io.hoop.engine.kubernetes.masking;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One place in a JSON response to mask: a JSON Pointer (RFC 6901) whose {@code *} steps match any
 * member name or array index, and how the value found there is replaced. A pointer that leads
 * nowhere in a given response masks nothing; pointers apply to every object the response holds at
 * that place (a streamed watch applies them to each event).
 *
 * @param steps the pointer's reference tokens, unescaped ({@code kubectl.kubernetes.io/...} is one
 *     step); {@code *} is the wildcard
 */
public record MaskRule(List<String> steps, Replacement replacement) {
  /** The wildcard step. */
  public static final String ANY = "*";

  public MaskRule {
    steps = List.copyOf(requireNonNull(steps, "steps"));
    requireNonNull(replacement, "replacement");
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a mask rule needs at least one step");
    }
  }

  /** How a masked value is written back; each keeps the document valid for kubectl's decoders. */
  public enum Replacement {
    /**
     * A string of base64 (a Secret's {@code data} values are {@code []byte}, which client-go
     * decodes as base64: anything else would break {@code kubectl describe}); {@value
     * #BASE64_TEXT}.
     */
    BASE64,
    /** A plain string, {@value #TEXT}. */
    STRING,
    /**
     * A string holding a JSON document (the {@code last-applied-configuration} annotation): the
     * Secret's {@code data} and {@code stringData} inside it are masked and it is written back as a
     * string; when it does not parse as a JSON object, it is replaced by {@value #TEXT}.
     */
    EMBEDDED_SECRET,
    /**
     * Free text (a ConfigMap's {@code data} value) through the target's content detectors: the
     * detected spans rewritten, the rest kept; kept whole when nothing is detected.
     */
    DETECT_TEXT,
    /**
     * Base64 of bytes (a ConfigMap's {@code binaryData} value): decoded, and when it is UTF-8 text,
     * through the detectors and written back as base64; binary content is kept (the detectors read
     * text).
     */
    DETECT_BASE64,
    /**
     * The {@code last-applied-configuration} annotation of a ConfigMap: its {@code data} and {@code
     * binaryData} inside go through the detectors; {@value #TEXT} when it does not parse.
     */
    EMBEDDED_CONFIGMAP
  }

  /** What masked plain strings read. */
  public static final String TEXT = "hoop:masked";

  /** What masked base64 values read: base64 of {@value #TEXT}. */
  public static final String BASE64_TEXT = "aG9vcDptYXNrZWQ=";

  /** The pointer, escaped as RFC 6901 says ({@code ~0}, {@code ~1}). */
  public String pointer() {
    StringBuilder s = new StringBuilder();
    for (String step : steps) {
      s.append('/').append(step.replace("~", "~0").replace("/", "~1"));
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return pointer() + " " + replacement;
  }
}
