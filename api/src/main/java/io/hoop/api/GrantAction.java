package io.hoop.api;

/**
 * Body of {@code POST /v1/grants/{id}/approve|deny|revoke}.
 *
 * @param comment approver's comment (approve) — optional
 * @param reason why (deny and revoke: required)
 */
public record GrantAction(String comment, String reason) {}
