package io.hoop.api;

/**
 * Answer of {@code POST /v1/grants/reuse}: the caller's live approved grant for the same target,
 * role and task with useful time left (with a fresh token), or null when there is none.
 */
public record GrantReuse(Grant grant) {
  @Override
  public String toString() {
    return "GrantReuse[" + grant + "]";
  }
}
