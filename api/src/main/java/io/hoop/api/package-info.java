/**
 * The broker's HTTP contract, shared by the broker and the CLI.
 *
 * <p>Endpoints (all JSON, all under TLS on the broker's single port):
 *
 * <ul>
 *   <li>{@code GET /v1/auth/config} (public) → {@link io.hoop.api.AuthConfig}
 *   <li>{@code POST /v1/auth/session} (public) {@link io.hoop.api.SessionRequest} → {@link
 *       io.hoop.api.SessionResponse}
 *   <li>{@code GET /v1/whoami} → {@link io.hoop.api.WhoAmI}
 *   <li>{@code GET /v1/targets} → {@link io.hoop.api.TargetList}
 *   <li>{@code POST /v1/grants} {@link io.hoop.api.GrantRequest} → {@link io.hoop.api.Grant}
 *   <li>{@code GET /v1/grants/{id}} → {@link io.hoop.api.Grant}
 *   <li>{@code GET /v1/audit?after=SEQ&limit=N} → {@link io.hoop.api.AuditPage}
 *   <li>{@code GET /v1/grants?scope=mine|pending|all} → {@link io.hoop.api.GrantList}
 *   <li>{@code POST /v1/grants/{id}/approve|deny|revoke} {@link io.hoop.api.GrantAction} → {@link
 *       io.hoop.api.Grant}
 *   <li>{@code GET /v1/reviews[?due=true]} → {@link io.hoop.api.EntitlementList}
 *   <li>{@code POST /v1/reviews/{id}/certify|revoke} {@link io.hoop.api.ReviewAction} → {@link
 *       io.hoop.api.Entitlement}
 * </ul>
 *
 * <p>Authenticated endpoints take {@code Authorization: Bearer <session token>}. Errors are {@link
 * io.hoop.api.ApiError.Envelope} with HTTP status 400 (bad request), 401 (not logged in or session
 * expired), 403 (denied), 404 (unknown), 413 (too large) or 500.
 */
package io.hoop.api;
