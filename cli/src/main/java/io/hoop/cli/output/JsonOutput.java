package io.hoop.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hoop.api.Json;
import java.io.PrintWriter;

/** Writes one value as JSON on stdout: pretty-printed, or compact on one line. */
public final class JsonOutput {
  private JsonOutput() {}

  /** The value as compact JSON on exactly one line. */
  public static void printLine(PrintWriter out, Object value) {
    try {
      out.println(Json.mapper().writeValueAsString(value));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + value.getClass().getSimpleName(), e);
    }
  }

  public static void print(PrintWriter out, Object value) {
    try {
      out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render " + value.getClass().getSimpleName(), e);
    }
  }
}
