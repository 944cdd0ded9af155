package io.hoop.engine.postgres.engine.internal;

import io.hoop.engine.postgres.mask.ColumnResolver;
import io.hoop.engine.postgres.mask.MaskRule;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.message.backend.DataRow;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The part of the upstream catalog masking needs, read with one query on the session's own
 * connection: the columns whose {@code schema.table.column} matches a rule, which base column each
 * plain view column is (see {@link ViewTargets}), and the OIDs of all relations, so a table created
 * after the read is recognised as unknown (and redacted until the next read) rather than taken as
 * unmasked. Immutable; the engine swaps in a fresh one after DDL or an unknown OID.
 */
public final class ColumnCatalog implements ColumnResolver {
  /** Nothing loaded: every table is unknown, so column-ruled sessions fail closed. */
  public static final ColumnCatalog EMPTY =
      new ColumnCatalog(
          Map.of(),
          Map.of(),
          new int[0],
          Set.of(),
          Set.of(),
          Set.of(),
          Set.of(),
          Set.of(),
          Set.of());

  private static final int MAX_VIEW_HOPS = 16;

  private final Map<Long, String> names;
  private final Map<Long, Long> viewOrigins;
  private final int[] knownOids;
  private final Set<Long> derivedViews;
  private final Set<String> lineageNames;
  private final Set<String> lineageRelations;
  private final Set<String> functionNames;
  private final Set<String> userOperators;
  private final Set<String> userCastTypes;

  private ColumnCatalog(
      Map<Long, String> names,
      Map<Long, Long> viewOrigins,
      int[] knownOids,
      Set<Long> derivedViews,
      Set<String> lineageNames,
      Set<String> lineageRelations,
      Set<String> functionNames,
      Set<String> userOperators,
      Set<String> userCastTypes) {
    this.userOperators = userOperators;
    this.userCastTypes = userCastTypes;
    this.names = names;
    this.viewOrigins = viewOrigins;
    this.knownOids = knownOids;
    this.derivedViews = derivedViews;
    this.lineageNames = lineageNames;
    this.lineageRelations = lineageRelations;
    this.functionNames = functionNames;
  }

  /** The ruled columns, as {@code schema.table.column} exactly as PostgreSQL stores the names. */
  public Set<String> ruledColumns() {
    return Set.copyOf(names.values());
  }

  /**
   * {@code schema.table} of every relation that reaches ruled data (see {@link #lineageNames}),
   * exactly as PostgreSQL stores the names.
   */
  public Set<String> lineageRelations() {
    return lineageRelations;
  }

  /**
   * Lower-case names of the user-defined functions: calling one runs code the engine cannot see (it
   * may read ruled data, or change the session's search_path).
   */
  public Set<String> functionNames() {
    return functionNames;
  }

  /** The names of user-defined operators: their functions' bodies are opaque too. */
  public Set<String> userOperators() {
    return userOperators;
  }

  /** Lower-case names of the types a user-defined function casts to. */
  public Set<String> userCastTypes() {
    return userCastTypes;
  }

  /**
   * Lower-case names of the relations that have a ruled column or depend on one (views and
   * materialized views through their rewrite rules, inheritance children and partitions,
   * transitively) and of every user-defined function: a statement naming none of them cannot read
   * ruled data in a computed column (see {@link io.hoop.engine.postgres.mask.StatementLineage}).
   */
  public Set<String> lineageNames() {
    return lineageNames;
  }

  /**
   * The catalog query for {@code rules}: rows of (kind, oid, attnum, text). Rule globs become ILIKE
   * patterns (globs are case-insensitive), written as E'' literals so the result does not depend on
   * standard_conforming_strings.
   */
  public static String query(MaskingRules rules) {
    String patterns =
        rules.columns().stream()
            .map(MaskRule::columnGlob)
            .map(ColumnCatalog::likeLiteral)
            .collect(Collectors.joining(", "));
    return "select 'c', a.attrelid::text, a.attnum::text,"
        + " n.nspname || '.' || c.relname || '.' || a.attname"
        + " from pg_catalog.pg_attribute a"
        + " join pg_catalog.pg_class c on c.oid = a.attrelid"
        + " join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
        + " where c.relkind in ('r', 'p', 'm', 'f', 'v') and a.attnum > 0 and not a.attisdropped"
        + " and (n.nspname || '.' || c.relname || '.' || a.attname)"
        + " operator(pg_catalog.~~*) any (array["
        + patterns
        + "]::pg_catalog.text[])"
        + " union all"
        + " select 'v', r.ev_class::text, '0', r.ev_action::text"
        + " from pg_catalog.pg_rewrite r join pg_catalog.pg_class c on c.oid = r.ev_class"
        + " where r.rulename = '_RETURN' and c.relkind in ('v', 'm')"
        + " and c.relnamespace not in"
        + " ('pg_catalog'::pg_catalog.regnamespace, 'information_schema'::pg_catalog.regnamespace)"
        + " union all"
        // Relations that reach a ruled column: tables holding one, then views and materialized
        // views (through their _RETURN rule's dependencies) and inheritance children, transitively.
        + " select 's', c.oid::text, c.relkind::text || ':' || n.nspname, c.relname::text"
        + " from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
        + " where c.oid in (with recursive s(oid) as ("
        + " select a.attrelid from pg_catalog.pg_attribute a"
        + " join pg_catalog.pg_class c on c.oid = a.attrelid"
        + " join pg_catalog.pg_namespace n on n.oid = c.relnamespace"
        + " where a.attnum > 0 and not a.attisdropped"
        + " and (n.nspname || '.' || c.relname || '.' || a.attname)"
        + " operator(pg_catalog.~~*) any (array["
        + patterns
        + "]::pg_catalog.text[])"
        // Views that call a user-defined function: its body is opaque, it may read ruled data.
        + " union select r.ev_class from pg_catalog.pg_depend d"
        + " join pg_catalog.pg_rewrite r on r.oid = d.objid"
        + " join pg_catalog.pg_proc p on p.oid = d.refobjid"
        + " where d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
        + " and d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass and p.pronamespace not in"
        + " ('pg_catalog'::pg_catalog.regnamespace, 'information_schema'::pg_catalog.regnamespace)"
        + " union select x.child from ("
        + " select r.ev_class as child, d.refobjid as parent from pg_catalog.pg_depend d"
        + " join pg_catalog.pg_rewrite r on r.oid = d.objid"
        + " where d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
        + " and d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        + " union all select i.inhrelid, i.inhparent from pg_catalog.pg_inherits i"
        + ") x join s on x.parent = s.oid) select s.oid from s)"
        + " union all"
        // User-defined functions: their bodies are opaque to the engine.
        + " select 'f', null, null, pg_catalog.string_agg(distinct p.proname::text, ',')"
        + " from pg_catalog.pg_proc p where p.pronamespace not in"
        + " ('pg_catalog'::pg_catalog.regnamespace, 'information_schema'::pg_catalog.regnamespace)"
        + " union all"
        // Every relation, sequences and composite types too: a result column's table is "known"
        // when it existed at the read, else it is redacted and the catalog read again.
        + " select 'k', null, null, pg_catalog.string_agg(oid::text, ',')"
        + " from pg_catalog.pg_class"
        + " union all"
        // User-defined operators and casts run user functions the plan does not name.
        + " select 'o', null, null, pg_catalog.string_agg(distinct o.oprname::text, ' ')"
        + " from pg_catalog.pg_operator o where o.oprnamespace not in"
        + " ('pg_catalog'::pg_catalog.regnamespace, 'information_schema'::pg_catalog.regnamespace)"
        + " union all"
        + " select 't', null, null, pg_catalog.string_agg(distinct t.typname::text, ',')"
        + " from pg_catalog.pg_cast c join pg_catalog.pg_proc p on p.oid = c.castfunc"
        + " join pg_catalog.pg_type t on t.oid = c.casttarget where p.pronamespace not in"
        + " ('pg_catalog'::pg_catalog.regnamespace, 'information_schema'::pg_catalog.regnamespace)";
  }

  static String likeLiteral(String glob) {
    StringBuilder like = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> like.append('%');
        case '?' -> like.append('_');
        case '%', '_', '\\' -> like.append('\\').append(c);
        default -> like.append(c);
      }
    }
    return "E'" + like.toString().replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /** Whether {@code tableOid} existed when the catalog was read. */
  public boolean knows(int tableOid) {
    return Arrays.binarySearch(knownOids, tableOid) >= 0;
  }

  @Override
  public String resolve(int tableOid, int columnNumber) {
    if (!knows(tableOid)) {
      return UNRESOLVED;
    }
    long key = key(tableOid, columnNumber);
    for (int hop = 0; hop < MAX_VIEW_HOPS; hop++) {
      String name = names.get(key);
      if (name != null) {
        return name;
      }
      Long origin = viewOrigins.get(key);
      if (origin == null) {
        // A computed column of a view over ruled data: derived, from what is unknown.
        return derivedViews.contains(key >>> 16) ? DERIVED : null;
      }
      key = origin;
    }
    return null;
  }

  private static long key(long tableOid, long columnNumber) {
    return (tableOid & 0xffffffffL) << 16 | (columnNumber & 0xffff);
  }

  /** Collects the rows of {@link #query} into a catalog. */
  public static final class Loader {
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> viewOrigins = new HashMap<>();
    private int[] knownOids = new int[0];
    private final Set<Long> derivedViews = new HashSet<>();
    private final Set<String> lineageNames = new HashSet<>();
    private final Set<String> lineageRelations = new HashSet<>();
    private final Set<String> functionNames = new HashSet<>();
    private final Set<String> userOperators = new HashSet<>();
    private final Set<String> userCastTypes = new HashSet<>();

    /** Takes one row of the catalog query; rows of another shape are ignored. */
    public void accept(DataRow row) {
      List<byte[]> fields = row.fields();
      if (fields.size() != 4 || fields.get(0) == null || fields.get(3) == null) {
        return;
      }
      String kind = text(fields.get(0));
      String value = text(fields.get(3));
      switch (kind) {
        case "c" ->
            names.put(
                key(Long.parseLong(text(fields.get(1))), Long.parseLong(text(fields.get(2)))),
                value);
        case "v" -> {
          long view = Long.parseLong(text(fields.get(1)));
          ViewTargets.origins(value)
              .forEach(
                  (column, origin) ->
                      viewOrigins.put(key(view, column), key(origin[0], origin[1])));
        }
        case "s" -> {
          String kindAndSchema = fields.get(2) == null ? "" : text(fields.get(2));
          int colon = kindAndSchema.indexOf(':');
          String relkind = colon < 0 ? kindAndSchema : kindAndSchema.substring(0, colon);
          if (relkind.equals("v") || relkind.equals("m")) {
            derivedViews.add(Long.parseLong(text(fields.get(1))));
          }
          lineageNames.add(value.toLowerCase(Locale.ROOT));
          if (colon >= 0) {
            lineageRelations.add(kindAndSchema.substring(colon + 1) + "." + value);
          }
        }
        case "f" ->
            Arrays.stream(value.split(","))
                .filter(name -> !name.isEmpty())
                .forEach(
                    name -> {
                      lineageNames.add(name.toLowerCase(Locale.ROOT));
                      functionNames.add(name.toLowerCase(Locale.ROOT));
                    });
        case "o" ->
            Arrays.stream(value.split(" "))
                .filter(name -> !name.isEmpty())
                .forEach(userOperators::add);
        case "t" ->
            Arrays.stream(value.split(","))
                .filter(name -> !name.isEmpty())
                .forEach(name -> userCastTypes.add(name.toLowerCase(Locale.ROOT)));
        case "k" ->
            knownOids =
                Arrays.stream(value.split(","))
                    .filter(s -> !s.isEmpty())
                    .mapToInt(s -> (int) Long.parseLong(s))
                    .sorted()
                    .toArray();
        default -> {}
      }
    }

    /** The catalog read so far. */
    public ColumnCatalog build() {
      return new ColumnCatalog(
          Map.copyOf(names),
          Map.copyOf(viewOrigins),
          knownOids,
          Set.copyOf(derivedViews),
          Set.copyOf(lineageNames),
          Set.copyOf(lineageRelations),
          Set.copyOf(functionNames),
          Set.copyOf(userOperators),
          Set.copyOf(userCastTypes));
    }

    private static String text(byte[] field) {
      return new String(field, StandardCharsets.UTF_8);
    }
  }
}
