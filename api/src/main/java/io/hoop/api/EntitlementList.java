package io.hoop.api;

import java.util.List;

/** {@code GET /v1/reviews[?due=true]}. */
public record EntitlementList(List<Entitlement> entitlements) {}
