package io.hoop.engine.kubernetes.masking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only: applies a {@link MaskPlan}'s rules to a whole JSON tree, to check the plan against
 * real responses. The production masker is the http engine's streaming one; this one holds the
 * document in memory and is never used on the data path.
 */
final class TreeMasker {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TreeMasker() {}

  /** Masks one document; returns how many values were masked. */
  static int mask(JsonNode root, List<MaskRule> rules) {
    int n = 0;
    for (MaskRule r : rules) {
      n += apply(root, r.steps(), 0, r.replacement());
    }
    return n;
  }

  /** Masks a watch stream (one event object per line). */
  static String maskWatch(String stream, List<MaskRule> rules) throws JsonProcessingException {
    StringBuilder out = new StringBuilder();
    for (String line : stream.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode event = JSON.readTree(line);
      mask(event, rules);
      out.append(JSON.writeValueAsString(event)).append('\n');
    }
    return out.toString();
  }

  private static int apply(JsonNode node, List<String> steps, int i, MaskRule.Replacement r) {
    String step = steps.get(i);
    boolean last = i == steps.size() - 1;
    List<JsonNode> children = new ArrayList<>();
    int n = 0;
    if (node instanceof ObjectNode o) {
      for (var e : new ArrayList<>(o.properties())) {
        if (step.equals(MaskRule.ANY) || step.equals(e.getKey())) {
          if (last) {
            if (replace(o, e.getKey(), e.getValue(), r)) {
              n++;
            }
          } else {
            children.add(e.getValue());
          }
        }
      }
    } else if (node instanceof ArrayNode a && step.equals(MaskRule.ANY)) {
      for (int k = 0; k < a.size(); k++) {
        if (last) {
          a.set(k, TextNode.valueOf(text(r)));
          n++;
        } else {
          children.add(a.get(k));
        }
      }
    }
    for (JsonNode c : children) {
      n += apply(c, steps, i + 1, r);
    }
    return n;
  }

  private static boolean replace(ObjectNode o, String key, JsonNode value, MaskRule.Replacement r) {
    if (r == MaskRule.Replacement.EMBEDDED_SECRET) {
      String masked = MaskRule.TEXT;
      try {
        JsonNode inner = JSON.readTree(value.asText());
        if (inner instanceof ObjectNode) {
          mask(
              inner,
              List.of(
                  new MaskRule(List.of("data", MaskRule.ANY), MaskRule.Replacement.BASE64),
                  new MaskRule(List.of("stringData", MaskRule.ANY), MaskRule.Replacement.STRING)));
          masked = JSON.writeValueAsString(inner);
        }
      } catch (JsonProcessingException e) {
        // not JSON: the whole value goes
      }
      o.put(key, masked);
      return true;
    }
    o.put(key, text(r));
    return true;
  }

  private static String text(MaskRule.Replacement r) {
    return r == MaskRule.Replacement.BASE64 ? MaskRule.BASE64_TEXT : MaskRule.TEXT;
  }
}
