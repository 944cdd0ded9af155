package io.hoop.cli.completion;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.api.HeldOperation;
import io.hoop.api.HoldStatus;
import io.hoop.api.SessionList;
import io.hoop.api.SessionSummary;
import io.hoop.api.TargetInfo;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.broker.BrokerClient;
import io.hoop.cli.broker.BrokerException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.identity.RenewalPolicy;
import io.hoop.completion.Candidates;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The candidates {@code hoop __complete KIND} prints: names and ids the broker knows now, served
 * from the profile's {@link CandidateCache} while it is fresh and fetched with a short deadline
 * otherwise. It never prompts, never logs in and never renews a session (a renewal cut short by the
 * deadline could lose a single-use refresh token): without a usable login it offers nothing.
 */
public final class LiveCandidates {
  /** The kinds the scripts ask for. */
  public static final Set<String> KINDS = Set.of("targets", "pending", "grants", "sessions");

  /** How long fetched candidates are served without asking the broker again. */
  static final Duration TTL = Duration.ofSeconds(45);

  /** After a failed fetch, how long the old candidates are served before trying again. */
  static final Duration RETRY_AFTER = Duration.ofSeconds(15);

  /** The longest a TAB waits for the broker. */
  static final Duration DEADLINE = Duration.ofSeconds(1);

  /** How one kind is fetched (the broker call; tests stand in for it). */
  interface Fetcher {
    List<String> fetch(BrokerClient client, String kind);
  }

  private final CliEnvironment env;
  private final ProfileStore store;
  private final Fetcher fetcher;
  private final Duration deadline;

  public LiveCandidates(CliEnvironment env, ProfileStore store) {
    this(env, store, LiveCandidates::fetch, DEADLINE);
  }

  LiveCandidates(CliEnvironment env, ProfileStore store, Fetcher fetcher, Duration deadline) {
    this.env = Objects.requireNonNull(env, "env");
    this.store = Objects.requireNonNull(store, "store");
    this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  /** The cache of this profile (in its directory: a logout or a new profile starts afresh). */
  CandidateCache cache() {
    return new CandidateCache(store.dir().resolve("completion"));
  }

  /** The candidates of {@code kind}; empty when there is no usable login or no answer in time. */
  public List<String> candidates(String kind) {
    if (!KINDS.contains(kind)) {
      return List.of();
    }
    String broker = usableBroker().orElse(null);
    if (broker == null) {
      return List.of();
    }
    Instant now = env.clock().instant();
    // Without a profile directory (HOOP_TOKEN alone) nothing is cached.
    CandidateCache cache = Files.isDirectory(store.dir()) ? cache() : null;
    Optional<CandidateCache.Entry> cached =
        cache == null ? Optional.empty() : cache.read(kind).filter(e -> e.broker().equals(broker));
    if (cached.isPresent() && fresh(cached.get(), now)) {
      return cached.get().candidates();
    }
    List<String> fetched = fetchWithin(kind);
    CandidateCache.Entry next =
        fetched != null
            ? new CandidateCache.Entry(broker, now, null, fetched)
            : new CandidateCache.Entry(
                broker,
                cached.map(CandidateCache.Entry::fetched).orElse(Instant.EPOCH),
                now,
                cached.map(CandidateCache.Entry::candidates).orElse(List.of()));
    if (cache != null) {
      try {
        cache.write(kind, next);
      } catch (IOException | RuntimeException e) {
        // Completion works without its cache; the next TAB asks again.
      }
    }
    return next.candidates();
  }

  /**
   * The cached candidates of {@code kind} when they can be served without reading the login: the
   * entry is fresh and was fetched after the profile and credentials files were last written (a new
   * login, a renewal or another broker rewrites them; a logout deletes the credentials). Empty
   * means "take the full path", which checks the login and may fetch.
   */
  public Optional<List<String>> cachedWithoutLogin(String kind) {
    if (!KINDS.contains(kind) || env.get(BrokerSession.TOKEN_ENV) != null) {
      return Optional.empty();
    }
    Optional<CandidateCache.Entry> cached = cache().read(kind);
    if (cached.isEmpty() || !fresh(cached.get(), env.clock().instant())) {
      return Optional.empty();
    }
    Instant fetched = cached.get().fetched();
    try {
      if (Files.getLastModifiedTime(store.credentialsFile()).toInstant().isAfter(fetched)
          || Files.getLastModifiedTime(store.profileFile()).toInstant().isAfter(fetched)) {
        return Optional.empty();
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(cached.get().candidates());
  }

  static boolean fresh(CandidateCache.Entry e, Instant now) {
    if (e.failed() != null && now.isBefore(e.failed().plus(RETRY_AFTER))) {
      return !now.isBefore(e.failed());
    }
    return !now.isBefore(e.fetched()) && now.isBefore(e.fetched().plus(TTL));
  }

  /**
   * The broker URL of a login that can be used as it is (no renewal, no prompt): {@code HOOP_TOKEN}
   * with {@code HOOP_BROKER}, or stored credentials that have not expired.
   */
  private Optional<String> usableBroker() {
    if (env.get(BrokerSession.TOKEN_ENV) != null) {
      return Optional.ofNullable(env.get("HOOP_BROKER")).map(u -> u.replaceAll("/+$", ""));
    }
    Optional<Profile> profile = store.profile();
    Optional<Credentials> credentials = store.credentials();
    if (profile.isEmpty() || credentials.isEmpty()) {
      return Optional.empty();
    }
    RenewalPolicy.Decision decision =
        RenewalPolicy.decide(credentials.get(), env.clock().instant());
    if (decision != RenewalPolicy.Decision.USE
        && decision != RenewalPolicy.Decision.USE_UNTIL_EXPIRY) {
      return Optional.empty();
    }
    return Optional.of(profile.get().brokerUrl());
  }

  /** The fetched candidates, or null when the broker did not answer within the deadline. */
  private List<String> fetchWithin(String kind) {
    CompletableFuture<List<String>> result = new CompletableFuture<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                BrokerSession session = BrokerSession.open(store, env.clock());
                result.complete(safe(fetcher.fetch(session.client(), kind)));
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "hoop-complete-" + kind);
    // Left behind on a timeout: the process exits right after printing.
    worker.setDaemon(true);
    worker.start();
    try {
      return result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Safe words only, each once, in the broker's order, at most the cache's limit. */
  static List<String> safe(List<String> words) {
    Set<String> out = new LinkedHashSet<>();
    for (String w : words) {
      if (Candidates.isSafe(w) && out.size() < CandidateCache.MAX_CANDIDATES) {
        out.add(w);
      }
    }
    return List.copyOf(out);
  }

  /** The broker calls behind each kind. */
  static List<String> fetch(BrokerClient client, String kind) {
    List<String> out = new ArrayList<>();
    switch (kind) {
      case "targets" -> {
        List<TargetInfo> targets = client.targets().targets();
        if (targets != null) {
          targets.forEach(t -> out.add(t.name()));
        }
      }
      case "pending" -> {
        grants(client, "pending").forEach(g -> out.add(g.id()));
        try {
          List<HeldOperation> holds = client.holds("pending").holds();
          if (holds != null) {
            holds.stream()
                .filter(h -> h.status() == null || h.status() == HoldStatus.PENDING)
                .forEach(h -> out.add(h.id()));
          }
        } catch (BrokerException e) {
          // A broker without held operations.
        }
      }
      case "grants" -> {
        List<Grant> grants = new ArrayList<>(grants(client, "mine"));
        try {
          grants.addAll(grants(client, "all"));
        } catch (BrokerException e) {
          // Not a reviewer: their own grants only.
        }
        grants.stream()
            .filter(g -> g.status() == GrantStatus.APPROVED || g.status() == GrantStatus.PENDING)
            .forEach(g -> out.add(g.id()));
      }
      case "sessions" -> {
        List<SessionSummary> sessions =
            client.get("/v1/sessions?limit=100", SessionList.class).sessions();
        if (sessions != null) {
          sessions.forEach(s -> out.add(s.id()));
        }
      }
      default -> throw new IllegalArgumentException("unknown kind " + kind);
    }
    return out;
  }

  private static List<Grant> grants(BrokerClient client, String scope) {
    List<Grant> grants = client.grants(scope).grants();
    return grants == null ? List.of() : grants;
  }
}
