package io.hoop.broker.notify;

import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.config.NotificationsSection.Webhook;

/**
 * One notification on its way to one webhook: the body is built once and every attempt sends the
 * same bytes (and the same signature), so a receiver can deduplicate on {@code id}.
 */
record Delivery(
    String id,
    Webhook webhook,
    Event event,
    String grantId,
    byte[] body,
    RetryPolicy retry,
    int attempt) {

  /** The same delivery, one attempt later. */
  Delivery next() {
    return new Delivery(id, webhook, event, grantId, body, retry, attempt + 1);
  }

  @Override
  public String toString() {
    return "Delivery[id="
        + id
        + ", webhook="
        + webhook.name()
        + ", event="
        + event.wireName()
        + ", grant="
        + grantId
        + ", attempt="
        + attempt
        + "]";
  }
}
