package io.hoop.engine.postgres.mask;

/**
 * What happens to a computed result column that may derive from a ruled column when hoop cannot
 * tell whether it does ({@code masking.onUnknownLineage}).
 */
public enum UnknownLineage {
  /** The column is masked with {@link MaskStyle#REDACT}; the statement runs. */
  REDACT,
  /** The statement's rows are withheld and the client gets an error naming the rule. */
  REFUSE
}
