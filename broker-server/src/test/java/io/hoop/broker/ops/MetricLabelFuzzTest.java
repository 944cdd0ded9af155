package io.hoop.broker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;

/**
 * Label values come from names a request or a config can influence (target, refusal code, kind):
 * whatever they hold, a label stays short and printable, and every line of the scrape stays one
 * well-formed sample or comment.
 */
class MetricLabelFuzzTest {
  private static final BrokerMetrics METRICS = BrokerMetrics.create();
  private static final Pattern LABEL = Pattern.compile("[\\p{Graph}]{1,64}");
  private static final Pattern LINE =
      Pattern.compile("#.*|[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*\\})? [-+0-9.eEInfNa]+");

  @AfterAll
  static void close() {
    METRICS.close();
  }

  @FuzzTest(maxDuration = "10s")
  void labelsStayShortPrintableAndTheScrapeWellFormed(FuzzedDataProvider data) {
    String target = data.consumeString(200);
    String kind = data.consumeString(100);
    String code = data.consumeRemainingAsString();
    assertThat(METRICS.label("fuzz", code)).matches(LABEL);
    METRICS.tunnelRefused(code);
    METRICS.engineRefused(target, "postgres", kind);
    METRICS.grantDecided(target, "approved", 1000);
    for (String line : METRICS.scrape().lines().toList()) {
      assertThat(line).matches(LINE);
    }
  }
}
