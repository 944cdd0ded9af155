package io.hoop.broker;

import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.broker.audit.AuditSigner;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.ConfigException;
import io.hoop.broker.config.ConfigLoader;
import io.hoop.broker.ops.LogFormat;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.PostgresConfig;
import io.hoop.broker.store.Store;
import io.hoop.broker.util.SecureFiles;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hoop-broker}: runs the broker and inspects its data dir. */
@Command(
    name = "hoop-broker",
    mixinStandardHelpOptions = true,
    versionProvider = BrokerMain.Version.class,
    description = "The hoop access broker: grants, tunnels, audit.",
    subcommands = {
      BrokerMain.Serve.class,
      BrokerMain.CheckConfig.class,
      BrokerMain.Audit.class,
      TokenCommand.class,
      RetentionCommand.class,
      BrokerMain.VersionCommand.class,
      CompletionCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  hoop-broker serve --dev                          # dev broker, embedded IdP, users alice and bob",
      "  hoop-broker serve --config /etc/hoop/broker.yaml --data-dir /var/lib/hoop",
      "  hoop-broker check-config /etc/hoop/broker.yaml",
      "",
      "Exit codes: 0 ok, 1 runtime error, 2 usage or invalid config."
    })
public final class BrokerMain implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with hoop-broker's error handling (also for tests that run subcommands). */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new BrokerMain());
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          if (ex instanceof ConfigException config) {
            config.located().forEach(line -> c.getErr().println("hoop-broker: " + line));
            if (config.located().size() > 1) {
              c.getErr().println("hoop-broker: " + config.located().size() + " problems");
            }
            return 2;
          }
          c.getErr().println("hoop-broker: " + ex.getMessage());
          return 1;
        });
    return cl;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getOut());
    return 2;
  }

  static Path defaultDataDir() {
    String env = System.getenv("HOOP_BROKER_DATA");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "hoop-broker");
  }

  static BrokerConfig loadConfig(Path file, boolean dev) throws ConfigException {
    if (file == null) {
      if (!dev) {
        throw new ConfigException("--config is required outside --dev");
      }
      return ConfigLoader.parse("(built-in dev config)", "", true);
    }
    return ConfigLoader.load(file, dev);
  }

  /** {@code hoop-broker serve}. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Run the broker until interrupted.",
      footer = {
        "",
        "Examples:",
        "  hoop-broker serve --dev",
        "  hoop-broker serve --dev --config demo.yaml --data-dir /tmp/hoop --ready-file /tmp/hoop/ready.json",
        "",
        "On start it prints the URL and the TLS certificate's SHA-256 fingerprint; pin it with",
        "  hoop login --broker URL --fingerprint FP"
      })
  static final class Serve implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
    Path config;

    @Option(
        names = "--dev",
        description = "Dev mode: embedded OIDC provider at /dev-idp, self-signed certificate.")
    boolean dev;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description =
            "Store, keys and certificate (default $HOOP_BROKER_DATA or ~/.local/share/hoop-broker).")
    Path dataDir;

    @Option(
        names = "--ready-file",
        paramLabel = "FILE",
        description = "Write {url, fingerprint, pid} as JSON here once serving (for scripts).")
    Path readyFile;

    @Option(
        names = "--log-format",
        paramLabel = "FORMAT",
        defaultValue = "${env:HOOP_LOG_FORMAT:-text}",
        description =
            "Log lines as text (default) or json (one object per line); also $HOOP_LOG_FORMAT.")
    String logFormat;

    @Override
    public Integer call() throws Exception {
      LogFormat format;
      try {
        format = LogFormat.parse(logFormat);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--log-format: " + e.getMessage());
      }
      format.apply();
      BrokerConfig cfg = loadConfig(config, dev);
      Path dir = dataDir == null ? defaultDataDir() : dataDir;
      BrokerServer server = BrokerServer.start(cfg, config, dir, dev, Clock.systemUTC());
      server.configWatcher().reloadOnSighup();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    stopped.countDown();
                  },
                  "hoop-broker-shutdown"));
      PrintWriter out = spec.commandLine().getOut();
      out.println("hoop-broker listening on " + server.url() + (dev ? " (dev mode)" : ""));
      out.println("TLS certificate SHA-256 fingerprint: " + server.fingerprint());
      if (dev) {
        out.println(
            "dev identity provider: "
                + server.url()
                + "/dev-idp (users: "
                + String.join(", ", cfg.devIdp().users().stream().map(u -> u.username()).toList())
                + ")");
      }
      out.println(
          "targets: " + String.join(", ", cfg.targets().stream().map(t -> t.name()).toList()));
      out.println(
          "log in with: hoop login --broker "
              + server.url()
              + " --fingerprint "
              + server.fingerprint());
      out.flush();
      if (readyFile != null) {
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("url", server.url());
        ready.put("fingerprint", server.fingerprint());
        ready.put("pid", ProcessHandle.current().pid());
        SecureFiles.writePrivate(readyFile, Json.mapper().writeValueAsBytes(ready));
      }
      stopped.await();
      return 0;
    }
  }

  /** {@code hoop-broker check-config}. */
  @Command(
      name = "check-config",
      mixinStandardHelpOptions = true,
      description = "Validate a config file and exit (0 valid, 2 invalid).",
      footer = {"", "Examples:", "  hoop-broker check-config broker.yaml --dev"})
  static final class CheckConfig implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--dev", description = "Validate as for dev mode (identity section optional).")
    boolean dev;

    @Override
    public Integer call() throws ConfigException {
      BrokerConfig cfg = ConfigLoader.load(file, dev);
      spec.commandLine()
          .getOut()
          .println(
              file
                  + ": ok ("
                  + cfg.targets().size()
                  + " targets, "
                  + cfg.entitlements().size()
                  + " entitlements)");
      return 0;
    }
  }

  /** {@code hoop-broker audit}: reads the audit log of a stopped broker's data dir. */
  @Command(
      name = "audit",
      mixinStandardHelpOptions = true,
      description =
          "List audit events from a data dir (the broker must be stopped; while it runs use"
              + " `hoop audit`).",
      subcommands = {BrokerMain.AuditPublicKey.class},
      footer = {
        "",
        "Examples:",
        "  hoop-broker audit --data-dir /var/lib/hoop --task JIRA-123 -o json",
        "  hoop-broker audit --config /etc/hoop/broker.yaml --task JIRA-123   (PostgreSQL store)",
        "  hoop-broker audit public-key --data-dir /var/lib/hoop > audit-key.jwk",
        "  hoop audit verify audit.jsonl --public-key audit-key.jwk"
      })
  static final class Audit implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Mixin StoreOptions where;

    @Option(names = "--task", description = "Only events of this task.")
    String task;

    @Option(names = "--limit", defaultValue = "1000")
    int limit;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "table",
        description = "table or json (one JSON object per line)")
    String output;

    @Override
    public Integer call() throws Exception {
      Path dir = where.dir();
      Optional<PostgresConfig> pg = where.postgres();
      if (pg.isEmpty() && !Files.exists(dir.resolve("hoop.mv.db"))) {
        throw new ConfigException(dir + " holds no broker store (hoop.mv.db)");
      }
      List<AuditEvent> events;
      try (Store store = Store.open(pg, dir)) {
        events = new AuditLog(store, Clock.systemUTC()).list(0, limit, null, task);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            pg.isPresent()
                ? "cannot read the audit log from " + pg.get().describe() + ": " + e.getMessage()
                : "cannot open the store in "
                    + dir
                    + " (is the broker running? then use `hoop audit`)",
            e);
      }
      PrintWriter out = spec.commandLine().getOut();
      for (AuditEvent e : events) {
        if ("json".equals(output)) {
          out.println(new String(Json.mapper().writeValueAsBytes(e), StandardCharsets.UTF_8));
        } else {
          out.printf(
              "%-6d %-24s %-16s %-10s %-12s %-10s %s%n",
              e.seq(),
              e.time(),
              e.type(),
              e.principal() == null ? "-" : e.principal(),
              e.target() == null ? "-" : e.target(),
              e.task() == null ? "-" : e.task(),
              e.details());
        }
      }
      return 0;
    }
  }

  /**
   * {@code hoop-broker audit public-key}: prints the public JWK audit checkpoints are signed with.
   */
  @Command(
      name = "public-key",
      mixinStandardHelpOptions = true,
      description =
          "Print the public key (JWK) of the broker's audit checkpoints, for hoop audit verify"
              + " --public-key. Works while the broker runs.",
      footer = {
        "",
        "Examples:",
        "  hoop-broker audit public-key --data-dir /var/lib/hoop > audit-key.jwk"
      })
  static final class AuditPublicKey implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--data-dir", paramLabel = "DIR")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
      Path dir = dataDir == null ? defaultDataDir() : dataDir;
      spec.commandLine().getOut().println(AuditSigner.readPublicJwk(dir));
      return 0;
    }
  }

  /** Version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"hoop-broker " + number()};
    }

    static String number() {
      String v = BrokerMain.class.getPackage().getImplementationVersion();
      return v == null ? "dev" : v;
    }
  }

  /** {@code hoop-broker version}: what {@code --version} prints, or JSON for scripts. */
  @Command(
      name = "version",
      mixinStandardHelpOptions = true,
      description = "Print the broker's version and runtime.",
      footer = {"", "Examples:", "  hoop-broker version", "  hoop-broker version -o json"})
  static final class VersionCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = {"-o", "--output"},
        defaultValue = "text",
        description = "text or json ({version, java, os})")
    String output;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      if ("json".equals(output)) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", Version.number());
        m.put("java", Runtime.version().toString());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        out.println(Json.mapper().writeValueAsString(m));
      } else if ("text".equals(output)) {
        out.println("hoop-broker " + Version.number());
      } else {
        throw new CommandLine.ParameterException(
            spec.commandLine(),
            "-o: '" + output + "' is not an output format; expected text or json");
      }
      out.flush();
      return 0;
    }
  }
}
