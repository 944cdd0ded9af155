package io.hoop.broker.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.config.NotificationsSection.Format;
import io.hoop.broker.config.NotificationsSection.Webhook;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeliveryQueueTest {
  static Delivery delivery(String id) {
    return new Delivery(
        id,
        new Webhook(
            "w",
            URI.create("http://127.0.0.1:1/"),
            Format.JSON,
            Set.of(Event.PENDING),
            Optional.empty()),
        Event.PENDING,
        "g-1",
        new byte[0],
        new RetryPolicy(1, Duration.ofSeconds(1)),
        1);
  }

  @Test
  void whenFullTheOldestIsDroppedAndCounted() throws Exception {
    DeliveryQueue q = new DeliveryQueue(3);
    for (int i = 1; i <= 3; i++) {
      assertThat(q.offer(delivery("d" + i))).isNull();
    }
    assertThat(q.offer(delivery("d4")).id()).isEqualTo("d1");
    assertThat(q.offer(delivery("d5")).id()).isEqualTo("d2");
    assertThat(q.size()).isEqualTo(3);
    assertThat(q.dropped()).isEqualTo(2);
    assertThat(q.poll(0).id()).isEqualTo("d3");
    assertThat(q.poll(0).id()).isEqualTo("d4");
    assertThat(q.poll(0).id()).isEqualTo("d5");
    assertThat(q.poll(10)).isNull();
  }

  @Test
  void offerNeverBlocksEvenWithAMillionItems() {
    DeliveryQueue q = new DeliveryQueue(100);
    long start = System.nanoTime();
    for (int i = 0; i < 1_000_000; i++) {
      q.offer(delivery("d"));
    }
    assertThat(q.size()).isEqualTo(100);
    assertThat(q.dropped()).isEqualTo(999_900);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void retryScheduleDoublesFromTheBackoff() {
    RetryPolicy p = new RetryPolicy(5, Duration.ofSeconds(1));
    assertThat(p.delayAfter(1)).contains(Duration.ofSeconds(1));
    assertThat(p.delayAfter(2)).contains(Duration.ofSeconds(2));
    assertThat(p.delayAfter(3)).contains(Duration.ofSeconds(4));
    assertThat(p.delayAfter(4)).contains(Duration.ofSeconds(8));
    assertThat(p.delayAfter(5)).isEmpty();
    assertThat(new RetryPolicy(10, Duration.ofMinutes(30)).delayAfter(9))
        .contains(Duration.ofHours(1));
  }
}
