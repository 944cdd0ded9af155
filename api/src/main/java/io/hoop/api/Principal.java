package io.hoop.api;

import java.util.List;

/**
 * Who a caller is, as the broker sees them.
 *
 * @param name stable principal name (username or machine identity)
 * @param email email claim when the IdP gave one
 * @param groups group memberships used by entitlements
 * @param loginMethod how the session was obtained, e.g. {@code oidc-device}
 */
public record Principal(String name, String email, List<String> groups, String loginMethod) {}
