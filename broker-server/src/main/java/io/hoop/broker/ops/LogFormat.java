package io.hoop.broker.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Iterator;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * How the broker writes its log: {@code text} (one human line per event, the default) or {@code
 * json} (one JSON object per line: timestamp, level, thread, logger, the formatted message and any
 * exception, for a log shipper). The messages are the same either way, so what is kept out of the
 * text log (tokens, passwords, credentials) is kept out of the JSON log too.
 */
public enum LogFormat {
  TEXT,
  JSON;

  /** The text pattern of {@code logback.xml}, kept in one place for a switch back. */
  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n";

  /**
   * The format named {@code value} ({@code text} or {@code json}, any case).
   *
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static LogFormat parse(String value) {
    if (value != null) {
      for (LogFormat f : values()) {
        if (f.name().equalsIgnoreCase(value.strip())) {
          return f;
        }
      }
    }
    throw new IllegalArgumentException("log format '" + value + "' is not one of: text, json");
  }

  /** This format's name as written on the command line. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Makes every stream appender of the root logger (the console, by {@code logback.xml}) write in
   * this format from now on. Does nothing when logback is not the SLF4J backend.
   */
  public void apply() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> out) {
        // Swapped while running: stopping would close a stream only the console can reopen.
        Encoder<ILoggingEvent> previous = out.getEncoder();
        out.setEncoder(encoder(ctx));
        if (previous != null) {
          previous.stop();
        }
      }
    }
  }

  /** A started encoder of this format. */
  public Encoder<ILoggingEvent> encoder(LoggerContext ctx) {
    if (this == TEXT) {
      PatternLayoutEncoder e = new PatternLayoutEncoder();
      e.setContext(ctx);
      e.setPattern(TEXT_PATTERN);
      e.start();
      return e;
    }
    JsonEncoder e = new JsonEncoder();
    e.setContext(ctx);
    // The message as read (not its template and arguments apart), without the logger context's
    // properties (host environment) or a per-process sequence number.
    e.setWithFormattedMessage(true);
    e.setWithMessage(false);
    e.setWithArguments(false);
    e.setWithContext(false);
    e.setWithSequenceNumber(false);
    e.setWithNanoseconds(false);
    e.start();
    return e;
  }
}
