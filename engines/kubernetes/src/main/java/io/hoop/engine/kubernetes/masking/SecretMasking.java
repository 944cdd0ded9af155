package io.hoop.engine.kubernetes.masking;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.kubernetes.masking.MaskRule.Replacement;
import io.hoop.engine.kubernetes.request.KubeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The mask plan of a request, from the request alone (pure). What carries a secret in clear:
 *
 * <ul>
 *   <li>a Secret's {@code data} (base64) and {@code stringData} values, in every verb's response
 *       (get, list, watch, and the object echoed by create, update, patch, delete), in lists
 *       ({@code items[*]}), watch events ({@code object}), Tables ({@code rows[*].object}, full
 *       with {@code includeObject=Object}) and watched Tables;
 *   <li>the {@code kubectl.kubernetes.io/last-applied-configuration} annotation of a Secret applied
 *       with {@code kubectl apply}, which holds the whole applied Secret as JSON text: masked
 *       inside (kept valid JSON so a later {@code kubectl apply} still merges);
 *   <li>a TokenRequest's {@code status.token} ({@code serviceaccounts/token}), a live credential.
 * </ul>
 *
 * With content detectors configured, a ConfigMap's {@code data} and {@code binaryData} values (and
 * its {@code last-applied-configuration}) go through them, in the same places; pod logs are masked
 * line by line ({@link #podLog}). Any API group's {@code secrets} resource is treated as Secrets (a
 * same-named custom resource is masked too, which is safe). Masked requests ask upstream for JSON
 * only and no compression.
 */
public final class SecretMasking {
  /** The annotation kubectl apply writes, holding the applied object. */
  public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final String JSON = "application/json";

  private SecretMasking() {}

  /**
   * The plan for {@code request}.
   *
   * @param accept the client's Accept header, null when absent
   * @param maskSecrets the role's {@code maskSecrets}
   */
  public static MaskPlan plan(KubeRequest request, String accept, boolean maskSecrets) {
    return plan(request, accept, maskSecrets, false);
  }

  /**
   * The plan for {@code request}, with the content detectors on ConfigMap values when {@code
   * detect} (the target has detectors).
   */
  public static MaskPlan plan(
      KubeRequest request, String accept, boolean maskSecrets, boolean detect) {
    requireNonNull(request, "request");
    if (!request.resourceRequest()) {
      return MaskPlan.none();
    }
    List<MaskRule> rules = new ArrayList<>();
    String reason;
    if (detect && request.resource().equals("configmaps") && request.subresource().isEmpty()) {
      for (List<String> object : objectPlaces()) {
        rules.add(rule(object, Replacement.DETECT_TEXT, "data", MaskRule.ANY));
        rules.add(rule(object, Replacement.DETECT_BASE64, "binaryData", MaskRule.ANY));
        rules.add(
            rule(object, Replacement.EMBEDDED_CONFIGMAP, "metadata", "annotations", LAST_APPLIED));
      }
      reason = "configmap content";
    } else if (!maskSecrets) {
      return MaskPlan.none();
    } else if (request.resource().equals("secrets") && request.subresource().isEmpty()) {
      for (List<String> object : objectPlaces()) {
        rules.add(rule(object, Replacement.BASE64, "data", MaskRule.ANY));
        rules.add(rule(object, Replacement.STRING, "stringData", MaskRule.ANY));
        rules.add(
            rule(object, Replacement.EMBEDDED_SECRET, "metadata", "annotations", LAST_APPLIED));
      }
      reason = "secret data";
    } else if (request.resource().equals("serviceaccounts")
        && request.subresource().equals("token")) {
      rules.add(new MaskRule(List.of("status", "token"), Replacement.STRING));
      reason = "service account token";
    } else {
      return MaskPlan.none();
    }
    MaskPlan.Shape shape =
        request.verb().equals("watch") ? MaskPlan.Shape.WATCH_EVENTS : MaskPlan.Shape.DOCUMENT;
    return new MaskPlan(jsonAccept(accept), true, true, shape, rules, reason);
  }

  /**
   * Whether {@code request} reads a pod's log ({@code pods/NAME/log}, followed or not), whose text
   * the content detectors mask line by line.
   */
  public static boolean podLog(KubeRequest request) {
    return request.resourceRequest()
        && request.resource().equals("pods")
        && request.subresource().equals("log");
  }

  /**
   * Where a Secret object sits in the documents the API server sends for it: the root (get, and the
   * echo of writes), a list's items, a Table's rows, and the same within a watch event's {@code
   * object}.
   */
  private static List<List<String>> objectPlaces() {
    List<List<String>> top =
        List.of(List.of(), List.of("items", MaskRule.ANY), List.of("rows", MaskRule.ANY, "object"));
    List<List<String>> out = new ArrayList<>(top);
    for (List<String> t : top) {
      List<String> inEvent = new ArrayList<>();
      inEvent.add("object");
      inEvent.addAll(t);
      out.add(inEvent);
    }
    return out;
  }

  private static MaskRule rule(List<String> prefix, Replacement r, String... steps) {
    List<String> all = new ArrayList<>(prefix);
    all.addAll(List.of(steps));
    return new MaskRule(all, r);
  }

  /**
   * The client's Accept with every media range but {@code application/json} (with its parameters,
   * e.g. {@code as=Table}) removed; {@code application/json} when nothing is left. kubectl asks for
   * {@code application/json;as=Table;v=v1;g=meta.k8s.io,application/json} or protobuf.
   */
  static String jsonAccept(String accept) {
    if (accept == null) {
      return JSON;
    }
    List<String> kept = new ArrayList<>();
    for (String range : accept.split(",", -1)) {
      String r = range.strip();
      int semi = r.indexOf(';');
      String type = (semi < 0 ? r : r.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
      if (!type.equals(JSON) || r.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        continue;
      }
      kept.add(r);
    }
    return kept.isEmpty() ? JSON : String.join(",", kept);
  }
}
