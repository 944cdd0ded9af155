package io.hoop.engine.http.mask;

import io.hoop.engine.http.mask.JsonMasker.MaskingException;

/**
 * Masks one response body as it streams ({@link JsonMasker} for JSON, {@link LineMasker} for text
 * read line by line). Not thread-safe; one per response.
 */
public interface BodyMasker {
  /** Feeds {@code length} bytes; the masked output so far goes to the sink. */
  void feed(byte[] bytes, int offset, int length) throws MaskingException;

  /** The body ended: writes what is left. */
  void finish() throws MaskingException;

  /** How many values (or lines) were masked so far. */
  int masked();

  /** The masker {@code plan} asks for, writing to {@code sink}. */
  static BodyMasker of(MaskPlan plan, JsonMasker.Sink sink) {
    return plan.lines() ? new LineMasker(plan, sink) : new JsonMasker(plan, sink);
  }
}
