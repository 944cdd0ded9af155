package io.hoop.engine.postgres.mask;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads per result column lineage from PostgreSQL's own analysis of a statement: the output of
 * {@code EXPLAIN (VERBOSE, FORMAT JSON)}. Every plan node prints its output list as expressions
 * over the scans' aliases ({@code upper(c.secret)}); a reference to a ruled column of a scanned
 * relation taints the expression, and taint flows up through the plan: through aliases that hide
 * their source (subquery scans, CTE and work-table scans, function scans, VALUES), InitPlan
 * parameters ({@code $0}), SubPlans, set operations (an Append's column is the union of its
 * members'), and a data-modifying node (the rows it writes carry what its input carried). Sound
 * rather than precise: an alias that hides its source carries the union of all it may hold, and
 * whatever the reader does not recognise (an unknown qualifier, a user-defined function, a plan it
 * cannot parse) is of unknown lineage. Pure.
 */
public final class PlanLineage {
  /** Plans larger than this are not read: their lineage is unknown. */
  public static final int MAX_JSON_CHARS = 4 << 20;

  private static final int MAX_NODES = 20_000;
  private static final int MAX_ROUNDS = 32;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern INIT_PLAN = Pattern.compile("^InitPlan \\d+ \\(returns (.*)\\)$");
  private static final Pattern PARAM = Pattern.compile("\\$\\d+");
  private static final Set<String> SET_OPERATIONS =
      Set.of("Append", "Merge Append", "Recursive Union");
  private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "information_schema");

  /** Built-ins that run a query given as text, or read a relation named by a value. */
  private static final Set<String> RUNS_QUERIES =
      StatementLineage.ALWAYS.stream()
          .filter(name -> !name.startsWith("pg_stat") && !name.equals("fetch"))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** Catalogs holding sampled column values (behind pg_stats and pg_stats_ext). */
  private static final Set<String> SAMPLES = Set.of("pg_statistic", "pg_statistic_ext_data");

  private PlanLineage() {}

  /**
   * The lineage of the result columns of the statement whose plan is {@code explainJson}, or null
   * when the plan cannot be read (every computed column is then of unknown lineage).
   */
  public static ResultLineage analyze(
      String explainJson, LineageCatalog catalog, MaskingRules rules) {
    requireNonNull(explainJson, "explainJson");
    requireNonNull(catalog, "catalog");
    requireNonNull(rules, "rules");
    if (explainJson.length() > MAX_JSON_CHARS) {
      return null;
    }
    JsonNode top;
    try {
      JsonNode root = JSON.readTree(explainJson);
      top = root == null ? null : root.path(0).path("Plan");
    } catch (JsonProcessingException e) {
      return null;
    }
    if (top == null || !top.isObject()) {
      return null;
    }
    Plan plan = new Plan(catalog);
    Node root;
    try {
      root = plan.read(top, false);
    } catch (IllegalArgumentException e) {
      return null;
    }
    State state = new State();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      State next = new State();
      plan.compute(root, state, next);
      if (next.equals(state)) {
        return verdicts(root, plan.writes, rules);
      }
      state = next;
    }
    return null;
  }

  private static ResultLineage verdicts(Node root, boolean writes, MaskingRules rules) {
    List<ResultLineage.Column> columns = new ArrayList<>();
    for (Taint t : root.outs) {
      if (t.unknown) {
        columns.add(ResultLineage.Column.UNKNOWN);
      } else if (t.rules.isEmpty()) {
        columns.add(ResultLineage.Column.CLEAN);
      } else if (t.rules.cardinality() == 1 && t.rules.nextSetBit(0) < rules.columns().size()) {
        MaskStyle style = rules.columns().get(t.rules.nextSetBit(0)).style();
        // Keeping the last four characters of a derivation could keep others (reverse, substr).
        columns.add(
            new ResultLineage.Column(style == MaskStyle.PARTIAL ? MaskStyle.REDACT : style, false));
      } else {
        columns.add(new ResultLineage.Column(MaskStyle.REDACT, false));
      }
    }
    return new ResultLineage(columns, writes);
  }

  /** What may flow into an expression: ruled columns by rule index, or something unknown. */
  private static final class Taint {
    final BitSet rules = new BitSet();
    boolean unknown;

    static Taint unknown() {
      Taint t = new Taint();
      t.unknown = true;
      return t;
    }

    Taint add(Taint other) {
      if (other != null) {
        rules.or(other.rules);
        unknown |= other.unknown;
      }
      return this;
    }

    boolean clean() {
      return !unknown && rules.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Taint t && t.unknown == unknown && t.rules.equals(rules);
    }

    @Override
    public int hashCode() {
      return Objects.hash(rules, unknown);
    }
  }

  /** What one round learned about the names expressions use; rounds repeat until it is stable. */
  private static final class State {
    final Map<String, Taint> params = new HashMap<>();
    final Map<String, Taint> subPlans = new HashMap<>();
    final Map<String, Taint> ctes = new HashMap<>();
    final Map<String, Taint> aliases = new HashMap<>();
    final Taint everything = new Taint();

    static void add(Map<String, Taint> map, String key, Taint t) {
      map.computeIfAbsent(key, k -> new Taint()).add(t);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof State s
          && s.params.equals(params)
          && s.subPlans.equals(subPlans)
          && s.ctes.equals(ctes)
          && s.aliases.equals(aliases)
          && s.everything.equals(everything);
    }

    @Override
    public int hashCode() {
      return Objects.hash(params, subPlans, ctes, aliases, everything);
    }
  }

  private record Relation(String schema, String table) {}

  private static final class Node {
    final JsonNode json;
    final String type;
    final List<String> output;
    final List<Node> members = new ArrayList<>();
    final List<Node> subPlans = new ArrayList<>();
    final boolean underNestLoop;
    List<Taint> outs = List.of();
    List<String> texts = List.of();

    Node(JsonNode json, boolean underNestLoop) {
      this.json = json;
      this.type = json.path("Node Type").asText("");
      this.underNestLoop = underNestLoop;
      if (json.has("Output")) {
        List<String> out = new ArrayList<>();
        json.path("Output").forEach(o -> out.add(o.asText("")));
        this.output = out;
      } else {
        this.output = null;
      }
    }

    String text(String field) {
      JsonNode value = json.get(field);
      return value == null || !value.isTextual() ? null : value.asText();
    }
  }

  /** The plan's static facts (aliases, CTE names) and the round computation over its nodes. */
  private static final class Plan {
    final LineageCatalog catalog;
    final Map<String, List<Relation>> relations = new HashMap<>();
    final Set<String> aliases = new HashSet<>();
    final Set<String> cteNames = new HashSet<>();
    boolean writes;
    int nodes;

    Plan(LineageCatalog catalog) {
      this.catalog = catalog;
    }

    Node read(JsonNode json, boolean underNestLoop) {
      if (++nodes > MAX_NODES) {
        throw new IllegalArgumentException("plan has more than " + MAX_NODES + " nodes");
      }
      Node node = new Node(json, underNestLoop);
      String alias = node.text("Alias");
      String relation = node.text("Relation Name");
      if (alias != null) {
        aliases.add(alias);
        if (relation != null) {
          String schema = node.text("Schema");
          relations
              .computeIfAbsent(alias, a -> new ArrayList<>())
              .add(new Relation(schema == null ? "" : schema, relation));
        }
      }
      if (node.type.equals("ModifyTable")) {
        writes = true;
      }
      String subPlanName = node.text("Subplan Name");
      if (subPlanName != null && subPlanName.startsWith("CTE ")) {
        cteNames.add(subPlanName.substring(4));
      }
      boolean nest = underNestLoop || node.type.equals("Nested Loop");
      for (JsonNode child : json.path("Plans")) {
        Node c = read(child, nest);
        String relationship = c.text("Parent Relationship");
        if ("InitPlan".equals(relationship) || "SubPlan".equals(relationship)) {
          node.subPlans.add(c);
        } else {
          node.members.add(c);
        }
      }
      return node;
    }

    /**
     * Computes every node's output taints from {@code prev}'s facts, recording into {@code next}.
     */
    void compute(Node node, State prev, State next) {
      for (Node c : node.subPlans) {
        compute(c, prev, next);
      }
      for (Node c : node.members) {
        compute(c, prev, next);
      }
      if (node.output != null) {
        List<Taint> outs = new ArrayList<>();
        for (String text : node.output) {
          outs.add(taint(text, node, prev));
        }
        node.outs = outs;
        node.texts = node.output;
      } else if (SET_OPERATIONS.contains(node.type) && !node.members.isEmpty()) {
        node.outs = positionalUnion(node.members);
        node.texts = node.members.get(0).texts;
      } else {
        node.outs = List.of();
        node.texts = List.of();
      }
      Taint all = union(node.outs);
      next.everything.add(all);
      String subPlanName = node.text("Subplan Name");
      if (subPlanName != null) {
        Matcher init = INIT_PLAN.matcher(subPlanName);
        if (init.matches()) {
          Matcher param = PARAM.matcher(init.group(1));
          while (param.find()) {
            State.add(next.params, param.group(), all);
          }
        } else if (subPlanName.startsWith("SubPlan ")) {
          State.add(next.subPlans, subPlanName.substring(8).strip(), all);
        } else if (subPlanName.startsWith("CTE ")) {
          State.add(next.ctes, subPlanName.substring(4), all);
        }
      }
      String alias = node.text("Alias");
      List<Relation> scanned = alias == null ? null : relations.get(alias);
      if (scanned != null && node.text("Relation Name") != null) {
        for (Relation r : scanned) {
          next.everything.add(wholeRow(r));
        }
      }
      if (alias != null) {
        Taint hidden = hiddenSource(node, prev);
        if (hidden != null) {
          State.add(next.aliases, alias, hidden);
        }
      }
    }

    /** What an alias that hides its source may hold; null for a plain table scan. */
    private Taint hiddenSource(Node node, State prev) {
      switch (node.type) {
        case "Subquery Scan":
          return union(
              node.members.isEmpty() ? List.of(Taint.unknown()) : node.members.get(0).outs);
        case "CTE Scan":
        case "WorkTable Scan":
          {
            String cte = node.text("CTE Name");
            if (cte == null || !cteNames.contains(cte)) {
              return Taint.unknown();
            }
            return new Taint().add(prev.ctes.get(cte));
          }
        case "Function Scan":
          {
            String schema = node.text("Schema");
            Taint t = taint(Objects.requireNonNullElse(node.text("Function Call"), ""), node, prev);
            if (schema == null || !SYSTEM_SCHEMAS.contains(schema)) {
              t.unknown = true;
            }
            return t;
          }
        case "Table Function Scan":
          {
            String call = node.text("Table Function Call");
            return call == null ? Taint.unknown() : taint(call, node, prev);
          }
        case "Values Scan":
          // Its lists are not printed: they may hold anything the statement can reach.
          return new Taint().add(prev.everything);
        case "ModifyTable":
          // The rows written (and returned) carry what the input carried, in any column.
          return union(
              node.members.isEmpty() ? List.of(Taint.unknown()) : node.members.get(0).outs);
        default:
          return node.text("Relation Name") != null ? null : Taint.unknown();
      }
    }

    private Taint wholeRow(Relation r) {
      Taint t = new Taint();
      if (samples(r)) {
        t.unknown = true;
      }
      t.rules.or(catalog.rulesOf(r.schema(), r.table()));
      if (catalog.derived(r.schema(), r.table())) {
        t.unknown = true;
      }
      return t;
    }

    private static boolean samples(Relation r) {
      return r.schema().equals("pg_catalog") && SAMPLES.contains(r.table());
    }

    private Taint column(String alias, String column, State prev) {
      Taint t = new Taint();
      for (Relation r : relations.getOrDefault(alias, List.of())) {
        if (column.equals("*")) {
          t.add(wholeRow(r));
        } else {
          int rule = catalog.ruleOf(r.schema(), r.table(), column);
          if (rule >= 0) {
            t.rules.set(rule);
          }
          if (catalog.derived(r.schema(), r.table()) || samples(r)) {
            t.unknown = true;
          }
        }
      }
      return t.add(prev.aliases.get(alias));
    }

    /** The taint of one printed expression of {@code node}. */
    Taint taint(String text, Node node, State prev) {
      Taint t = new Taint();
      if (catalog.userOperatorOrCast(text)) {
        t.unknown = true;
      }
      List<Tok> toks = tokens(text);
      for (int i = 0; i < toks.size(); i++) {
        Tok tok = toks.get(i);
        if (tok.kind == Kind.PARAM) {
          Taint p = prev.params.get(tok.text);
          t.add(p == null ? Taint.unknown() : p);
          continue;
        }
        if (tok.kind != Kind.NAME) {
          continue;
        }
        if (tok.text.equals("SubPlan")
            && i + 1 < toks.size()
            && toks.get(i + 1).kind == Kind.NUMBER) {
          Taint s = prev.subPlans.get(toks.get(i + 1).text);
          t.add(s == null ? Taint.unknown() : s);
          i++;
          continue;
        }
        List<String> parts = new ArrayList<>();
        parts.add(tok.text);
        int j = i + 1;
        while (j + 1 < toks.size()
            && toks.get(j).kind == Kind.DOT
            && (toks.get(j + 1).kind == Kind.NAME || toks.get(j + 1).kind == Kind.STAR)) {
          parts.add(toks.get(j + 1).text);
          j += 2;
        }
        boolean typeName = i > 0 && toks.get(i - 1).kind == Kind.CAST;
        boolean operatorName =
            i > 1
                && toks.get(i - 1).kind == Kind.LPAREN
                && toks.get(i - 2).kind == Kind.NAME
                && toks.get(i - 2).text.equals("OPERATOR");
        boolean call = j < toks.size() && toks.get(j).kind == Kind.LPAREN;
        i = j - 1;
        if (typeName || operatorName) {
          continue;
        }
        if (call) {
          String function = parts.get(parts.size() - 1);
          if (catalog.userFunction(function)
              || RUNS_QUERIES.contains(function.toLowerCase(java.util.Locale.ROOT))) {
            t.unknown = true;
          }
          continue;
        }
        if (parts.size() == 2) {
          if (!aliases.contains(parts.get(0))) {
            t.unknown = true;
          } else {
            t.add(column(parts.get(0), parts.get(1), prev));
          }
        } else if (parts.size() == 1) {
          t.add(bare(parts.get(0), prev));
        } else {
          t.unknown = true;
        }
      }
      for (Node member : node.members) {
        // A reference to a member's output prints that output's own expression.
        for (int k = 0; k < member.outs.size() && k < member.texts.size(); k++) {
          String printed = member.texts.get(k);
          if (!member.outs.get(k).clean() && !printed.isEmpty() && text.contains(printed)) {
            t.add(member.outs.get(k));
          }
        }
      }
      return t;
    }

    /**
     * An unqualified name: PostgreSQL prints names without their alias when the statement has one
     * range table entry, and a whole-row value as the alias alone.
     */
    private Taint bare(String name, State prev) {
      Taint t = new Taint();
      if (aliases.contains(name)) {
        t.add(column(name, "*", prev));
      }
      for (Map.Entry<String, List<Relation>> e : relations.entrySet()) {
        for (Relation r : e.getValue()) {
          int rule = catalog.ruleOf(r.schema(), r.table(), name);
          if (rule >= 0) {
            t.rules.set(rule);
          }
        }
      }
      if (aliases.size() == 1) {
        t.add(column(aliases.iterator().next(), name, prev));
      }
      return t;
    }

    private static List<Taint> positionalUnion(List<Node> members) {
      int n = members.get(0).outs.size();
      boolean aligned = members.stream().allMatch(m -> m.outs.size() == n);
      if (!aligned) {
        Taint all = new Taint();
        members.forEach(m -> all.add(union(m.outs)));
        int width = members.stream().mapToInt(m -> m.outs.size()).max().orElse(0);
        List<Taint> outs = new ArrayList<>();
        for (int i = 0; i < width; i++) {
          outs.add(new Taint().add(all).add(Taint.unknown()));
        }
        return outs;
      }
      List<Taint> outs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Taint t = new Taint();
        for (Node m : members) {
          t.add(m.outs.get(i));
        }
        outs.add(t);
      }
      return outs;
    }

    private static Taint union(List<Taint> taints) {
      Taint t = new Taint();
      taints.forEach(t::add);
      return t;
    }
  }

  // ---- the printed expressions' tokens ------------------------------------------------------

  private enum Kind {
    NAME,
    STAR,
    DOT,
    LPAREN,
    CAST,
    PARAM,
    NUMBER,
    OTHER
  }

  private record Tok(Kind kind, String text) {}

  /** Names (quoted ones unquoted), parameters, numbers and the punctuation names need. */
  private static List<Tok> tokens(String s) {
    List<Tok> out = new ArrayList<>();
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\'') {
        i = skipString(s, i, false);
        out.add(new Tok(Kind.OTHER, "'"));
      } else if ((c == 'E' || c == 'e')
          && i + 1 < n
          && s.charAt(i + 1) == '\''
          && (i == 0 || !isNameChar(s.charAt(i - 1)))) {
        i = skipString(s, i + 1, true);
        out.add(new Tok(Kind.OTHER, "'"));
      } else if (c == '"') {
        StringBuilder name = new StringBuilder();
        i++;
        while (i < n) {
          char q = s.charAt(i);
          if (q == '"') {
            if (i + 1 < n && s.charAt(i + 1) == '"') {
              name.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          name.append(q);
          i++;
        }
        out.add(new Tok(Kind.NAME, name.toString()));
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < n && isNameChar(s.charAt(i))) {
          i++;
        }
        out.add(new Tok(Kind.NAME, s.substring(start, i)));
      } else if (c == '$' && i + 1 < n && Character.isDigit(s.charAt(i + 1))) {
        int start = i++;
        while (i < n && Character.isDigit(s.charAt(i))) {
          i++;
        }
        out.add(new Tok(Kind.PARAM, s.substring(start, i)));
      } else if (Character.isDigit(c)) {
        int start = i;
        while (i < n && Character.isDigit(s.charAt(i))) {
          i++;
        }
        out.add(new Tok(Kind.NUMBER, s.substring(start, i)));
      } else if (c == ':' && i + 1 < n && s.charAt(i + 1) == ':') {
        out.add(new Tok(Kind.CAST, "::"));
        i += 2;
      } else {
        Kind kind =
            switch (c) {
              case '.' -> Kind.DOT;
              case '*' -> Kind.STAR;
              case '(' -> Kind.LPAREN;
              default -> Kind.OTHER;
            };
        if (!Character.isWhitespace(c)) {
          out.add(new Tok(kind, String.valueOf(c)));
        }
        i++;
      }
    }
    return out;
  }

  private static boolean isNameChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /** The index after the string literal opening at {@code open}. */
  private static int skipString(String s, int open, boolean backslashEscapes) {
    int i = open + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == '\'') {
        if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return s.length();
  }
}
