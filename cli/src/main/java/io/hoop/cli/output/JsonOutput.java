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

  /** The value as YAML: the same fields and values as {@link #print}'s JSON. */
  public static void printYaml(PrintWriter out, Object value) {
    try {
      com.fasterxml.jackson.databind.JsonNode tree = Json.mapper().valueToTree(value);
      out.print(
          new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
              .disable(
                  com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature
                      .WRITE_DOC_START_MARKER)
              .writeValueAsString(tree));
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
