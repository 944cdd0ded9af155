package io.hoop.broker.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogFormatTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private OutputStreamAppender<ILoggingEvent> appender;
  private Logger root;

  @BeforeEach
  void attach() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender = new OutputStreamAppender<>();
    appender.setContext(ctx);
    appender.setName("test-capture");
    appender.setEncoder(LogFormat.TEXT.encoder(ctx));
    appender.setOutputStream(out);
    appender.start();
    root.addAppender(appender);
  }

  @AfterEach
  void detach() {
    root.detachAppender(appender);
    appender.stop();
    LogFormat.TEXT.apply();
  }

  @Test
  void formatsAreNamedInAnyCaseAndOthersAreRefusedByName() {
    assertThat(LogFormat.parse("json")).isEqualTo(LogFormat.JSON);
    assertThat(LogFormat.parse(" TEXT ")).isEqualTo(LogFormat.TEXT);
    assertThat(LogFormat.JSON.wireName()).isEqualTo("json");
    for (String bad : new String[] {"xml", "", "json\n{", null}) {
      assertThatThrownBy(() -> LogFormat.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not one of: text, json");
    }
  }

  @Test
  void jsonWritesOneParsableObjectPerLineWithTheFormattedMessage() throws Exception {
    LogFormat.JSON.apply();
    org.slf4j.Logger log = LoggerFactory.getLogger("io.hoop.broker.test");
    log.info("tunnel open session={} target={}", "s-1", "db \"quoted\"\nnext line");
    log.warn("failed", new IllegalStateException("boom"));
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    JsonNode first = Json.mapper().readTree(lines.get(0));
    assertThat(first.path("level").asText()).isEqualTo("INFO");
    assertThat(first.path("loggerName").asText()).isEqualTo("io.hoop.broker.test");
    assertThat(first.path("formattedMessage").asText())
        .isEqualTo("tunnel open session=s-1 target=db \"quoted\"\nnext line");
    assertThat(first.has("timestamp")).isTrue();
    assertThat(first.has("context")).as("no host environment in each line").isFalse();
    JsonNode second = Json.mapper().readTree(lines.get(1));
    assertThat(second.path("level").asText()).isEqualTo("WARN");
    assertThat(second.path("throwable").path("message").asText()).isEqualTo("boom");
  }

  @Test
  void textIsTheDefaultAndCanBeSwitchedBackTo() {
    LogFormat.JSON.apply();
    LogFormat.TEXT.apply();
    LoggerFactory.getLogger("io.hoop.broker.test").info("plain {}", "line");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("INFO").contains("plain line");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("{\"");
  }
}
