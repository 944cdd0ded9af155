package io.hoop.tunnel.protocol;

/**
 * Why the broker is closing a tunnel, sent in a CLOSE frame just before the socket closes.
 *
 * @param code stable code: {@code grant_expired}, {@code grant_revoked}, {@code upstream_closed},
 *     {@code upstream_unreachable}, {@code broker_shutdown}, {@code protocol_error}
 * @param message one human sentence, e.g. "grant g-123 for demo-db expired"
 */
public record CloseNotice(String code, String message) {}
