package io.hoop.engine.postgres.engine.internal;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Glob;
import io.hoop.engine.postgres.mask.LineageCatalog;
import io.hoop.engine.postgres.mask.MaskRule;
import io.hoop.engine.postgres.mask.MaskingRules;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The catalog as the plan reader needs it: each ruled column with the index of its (first matching)
 * rule, per relation; derived relations; user-defined functions. Immutable, built once per catalog
 * read.
 */
public final class CatalogLineage implements LineageCatalog {
  private final ColumnCatalog catalog;
  private final Map<String, Integer> ruleOfColumn = new HashMap<>();
  private final Map<String, BitSet> rulesOfRelation = new HashMap<>();

  public CatalogLineage(ColumnCatalog catalog, MaskingRules rules) {
    this.catalog = requireNonNull(catalog, "catalog");
    requireNonNull(rules, "rules");
    List<MaskRule> columns = rules.columns();
    for (String qualified : catalog.ruledColumns()) {
      for (int i = 0; i < columns.size(); i++) {
        if (Glob.matches(columns.get(i).columnGlob(), qualified)) {
          ruleOfColumn.put(qualified, i);
          int dot = qualified.lastIndexOf('.');
          rulesOfRelation.computeIfAbsent(qualified.substring(0, dot), r -> new BitSet()).set(i);
          break;
        }
      }
    }
  }

  /** The catalog this reads. */
  public ColumnCatalog catalog() {
    return catalog;
  }

  @Override
  public int ruleOf(String schema, String table, String column) {
    return ruleOfColumn.getOrDefault(schema + "." + table + "." + column, -1);
  }

  @Override
  public BitSet rulesOf(String schema, String table) {
    BitSet rules = rulesOfRelation.get(schema + "." + table);
    return rules == null ? new BitSet() : (BitSet) rules.clone();
  }

  @Override
  public boolean derived(String schema, String table) {
    String relation = schema + "." + table;
    return catalog.lineageRelations().contains(relation) && !rulesOfRelation.containsKey(relation);
  }

  @Override
  public boolean userFunction(String name) {
    return catalog.functionNames().contains(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public boolean userOperatorOrCast(String expression) {
    for (String operator : catalog.userOperators()) {
      if (expression.contains(operator)) {
        return true;
      }
    }
    if (!catalog.userCastTypes().isEmpty() && expression.contains("::")) {
      String lower = expression.toLowerCase(Locale.ROOT);
      for (String type : catalog.userCastTypes()) {
        if (lower.contains(type)) {
          return true;
        }
      }
    }
    return false;
  }
}
