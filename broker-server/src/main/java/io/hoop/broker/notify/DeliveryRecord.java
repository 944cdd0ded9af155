package io.hoop.broker.notify;

import java.time.Instant;

/**
 * One recorded delivery attempt, as {@code GET /v1/notifications/deliveries} lists it.
 *
 * @param seq position in the log, newest highest
 * @param delivery id shared by all attempts of one event to one webhook (sent as {@code
 *     X-Hoop-Delivery})
 * @param status the receiver's HTTP status; null when no response arrived
 * @param error why the attempt failed without a response (timeout, refused); null otherwise
 * @param delivered whether the receiver answered 2xx
 */
public record DeliveryRecord(
    long seq,
    String delivery,
    Instant at,
    String event,
    String webhook,
    String grantId,
    int attempt,
    Integer status,
    String error,
    boolean delivered) {}
