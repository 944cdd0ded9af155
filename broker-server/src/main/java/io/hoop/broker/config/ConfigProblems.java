package io.hoop.broker.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The problems of one config file, collected so that {@code check-config} reports them all at once
 * rather than the first: each independent part (a top-level section, a target, an entitlement) is
 * checked on its own, and each problem is placed at the line and column of its key in the file
 * ({@code broker.yaml:12:7: targets[1].address: ...}).
 */
final class ConfigProblems {
  /** A check that may fail with a {@link ConfigException}. */
  interface Check<T> {
    T run() throws ConfigException;
  }

  private static final Pattern KEY = Pattern.compile("^([A-Za-z0-9_.\\[\\]-]+): ");
  private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

  private final String source;
  private final String yaml;
  // Read again only once a problem needs placing: a valid file is parsed once.
  private Map<String, JsonLocation> locations;
  private final List<String> problems = new ArrayList<>();
  private final List<String> located = new ArrayList<>();

  /**
   * @param source the file's name, as every problem starts
   * @param yaml the file's text, read again for where each key is
   */
  ConfigProblems(String source, String yaml) {
    this.source = requireNonNull(source, "source");
    this.yaml = requireNonNull(yaml, "yaml");
  }

  /** Runs {@code check}; its problems are kept and {@code null} returned when it fails. */
  <T> T attempt(Check<T> check) {
    try {
      return check.run();
    } catch (ConfigException e) {
      for (int i = 0; i < e.problems().size(); i++) {
        problems.add(e.problems().get(i));
        String at = e.located().get(i);
        located.add(at.equals(e.problems().get(i)) ? placed(at) : at);
      }
      return null;
    }
  }

  /** Keeps a problem worded like {@code source: key: message}. */
  void add(String problem) {
    problems.add(problem);
    located.add(placed(problem));
  }

  /** The problems kept and {@code problem} (placed here), as one exception. */
  ConfigException with(String problem) {
    return with(problem, placed(problem));
  }

  /** The problems kept and {@code problem}, already placed by the caller, as one exception. */
  ConfigException with(String problem, String placedProblem) {
    problems.add(problem);
    located.add(placedProblem);
    return new ConfigException(problems, located);
  }

  /** How many problems are kept so far. */
  int size() {
    return problems.size();
  }

  /** Throws every problem kept, if any. */
  void throwIfAny() throws ConfigException {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems, located);
    }
  }

  /** {@code source: key: message} becomes {@code source:line:column: key: message}. */
  private String placed(String problem) {
    String prefix = source + ": ";
    if (!problem.startsWith(prefix)) {
      return problem;
    }
    String rest = problem.substring(prefix.length());
    Matcher m = KEY.matcher(rest);
    if (!m.find()) {
      return problem;
    }
    JsonLocation at = find(m.group(1));
    if (at == null) {
      return problem;
    }
    return source + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": " + rest;
  }

  /** Where {@code key} (or the closest enclosing key written in the file) starts. */
  JsonLocation find(String key) {
    String pointer = "/" + INDEX.matcher(key).replaceAll(".$1").replace('.', '/');
    if (locations == null) {
      locations = locate(yaml);
    }
    while (!pointer.isEmpty()) {
      JsonLocation at = locations.get(pointer);
      if (at != null) {
        return at;
      }
      pointer = pointer.substring(0, pointer.lastIndexOf('/'));
    }
    return null;
  }

  /** The dotted key of where a parser is ({@code targets[2].ssh.user}), as errors name keys. */
  static String key(JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.add(0, "[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        parts.add(0, "." + c.getCurrentName());
      }
    }
    String k = String.join("", parts);
    return k.startsWith(".") ? k.substring(1) : k;
  }

  /** Where every key and list entry of the file starts, by JSON pointer; what parses, on error. */
  private static Map<String, JsonLocation> locate(String yaml) {
    Map<String, JsonLocation> at = new HashMap<>();
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
          continue;
        }
        JsonStreamContext c = p.getParsingContext();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          c = c.getParent();
        }
        if (c != null && !c.inRoot()) {
          at.putIfAbsent(c.pathAsPointer().toString(), p.currentTokenLocation());
        }
      }
    } catch (IOException | RuntimeException e) {
      // A file that does not parse has its syntax error reported; keys up to there are placed.
    }
    return at;
  }
}
