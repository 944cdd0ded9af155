package io.hoop.agent;

import io.hoop.tunnel.mux.AgentProtocol;
import io.hoop.tunnel.tls.Fingerprints;
import io.hoop.tunnel.tls.Tls;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hoop-agent run}: connects to the broker and serves its streams until stopped. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Connects out to the broker and carries its connections to this agent's targets until"
          + " stopped; reconnects with backoff when the connection drops. The broker tells the"
          + " agent on connect which targets it serves; the agent dials nothing else."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  hoop-agent run --broker https://broker.example:8443 --name eu1 \\",
      "      --token-file /etc/hoop/agent.token --fingerprint SHA256:AB:CD:...",
      "  hoop-agent run --broker https://broker.example:8443 --name eu1 \\",
      "      --token-file /etc/hoop/agent.token --ca-cert /etc/hoop/broker-ca.pem \\",
      "      --allow db.internal:5432",
      "  hoop-agent run --broker https://hoop-a:8443 --broker https://hoop-b:8443 \\",
      "      --name eu1 --token-file /etc/hoop/agent.token --fingerprint SHA256:...",
      "      (broker replicas: one connection to each)",
      "",
      "Exit codes: 0 stopped, 1 error, 2 usage, 3 refused by the broker, 4 token file unusable."
    })
final class RunCommand implements Callable<Integer> {
  private static final int MAX_BROKERS = 16;
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--broker",
      required = true,
      paramLabel = "URL",
      description =
          "The broker, e.g. https://broker.example:8443. Repeat it with each replica's own address:"
              + " the agent keeps a connection to every one, so each replica reaches this agent's"
              + " targets (at most 16).")
  List<String> brokers;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "This agent's name, as targets name it in via: (lower-case, digits, . _ -).")
  String name;

  @Option(
      names = "--token-file",
      required = true,
      paramLabel = "FILE",
      description =
          "File (mode 0600) holding the broker token minted for this agent with hoop-broker token"
              + " create --principal agent:NAME.")
  Path tokenFile;

  @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
  Trust trust;

  /** How the broker's certificate is verified: one of the two, never neither. */
  static final class Trust {
    @Option(
        names = "--fingerprint",
        paramLabel = "SHA256",
        description = "Pin of the broker's certificate (hoop-broker prints it at start).")
    String fingerprint;

    @Option(
        names = "--ca-cert",
        paramLabel = "FILE",
        description = "PEM CA file the broker's certificate must chain to (host name checked).")
    Path caCert;
  }

  @Option(
      names = "--allow",
      paramLabel = "HOST:PORT",
      description =
          "Only these target addresses may be dialed, whatever the broker assigns (repeatable;"
              + " default: the broker's assignment).")
  List<String> allow = new ArrayList<>();

  @Option(
      names = "--max-streams",
      paramLabel = "N",
      defaultValue = "1024",
      description =
          "Connections to targets this agent carries at once, per broker (1..16384; default:"
              + " ${DEFAULT-VALUE}). Each is a socket here: keep it below the open-files limit"
              + " (ulimit -n). The broker refuses a connection beyond it with a clear error.")
  int maxStreams;

  @Option(
      names = "--max-backoff",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "Longest wait between two reconnects, in seconds (default: ${DEFAULT-VALUE}).")
  int maxBackoffSeconds;

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    if (!NAME.matcher(name).matches()) {
      throw new CommandLine.ParameterException(
          cl, "--name '" + name + "' must be lower-case letters, digits, '.', '_' or '-' (max 63)");
    }
    if (brokers.size() > MAX_BROKERS) {
      throw new CommandLine.ParameterException(
          cl, "--broker is given " + brokers.size() + " times; at most " + MAX_BROKERS);
    }
    List<URI> uris = new ArrayList<>();
    for (String broker : brokers) {
      URI uri;
      try {
        uri = new URI(broker);
      } catch (java.net.URISyntaxException e) {
        throw new CommandLine.ParameterException(cl, "--broker '" + broker + "' is not a URL");
      }
      if (!"https".equals(uri.getScheme()) || uri.getHost() == null) {
        throw new CommandLine.ParameterException(
            cl, "--broker '" + broker + "' must be an https:// URL with a host");
      }
      if (!uris.contains(uri)) {
        uris.add(uri);
      }
    }
    if (maxBackoffSeconds < 1 || maxBackoffSeconds > 3600) {
      throw new CommandLine.ParameterException(
          cl, "--max-backoff " + maxBackoffSeconds + " must be 1..3600 seconds");
    }
    if (maxStreams < 1 || maxStreams > AgentProtocol.MAX_STREAMS_LIMIT) {
      throw new CommandLine.ParameterException(
          cl, "--max-streams " + maxStreams + " must be 1.." + AgentProtocol.MAX_STREAMS_LIMIT);
    }
    Set<String> allowed = new LinkedHashSet<>();
    for (String a : allow) {
      int colon = a.lastIndexOf(':');
      if (colon <= 0 || !a.substring(colon + 1).matches("[0-9]{1,5}")) {
        throw new CommandLine.ParameterException(cl, "--allow '" + a + "' must be HOST:PORT");
      }
      allowed.add(a);
    }
    String[] token = new String[1];
    try {
      token[0] = TokenFile.read(tokenFile);
    } catch (TokenFile.Refused e) {
      cl.getErr().println("hoop-agent: " + e.getMessage());
      return AgentMain.TOKEN_FILE;
    }
    // Read again at each connection: a rotated file is picked up at the next reconnect; a file
    // broken meanwhile keeps the last good token (the broker refuses it once it expires).
    java.util.function.Supplier<String> tokens =
        () -> {
          try {
            token[0] = TokenFile.read(tokenFile);
          } catch (TokenFile.Refused e) {
            org.slf4j.LoggerFactory.getLogger(RunCommand.class)
                .warn("{}; using the token read before", e.getMessage());
          }
          return token[0];
        };
    SslContext ssl;
    try {
      ssl =
          trust.fingerprint != null
              ? Tls.clientPinned(Fingerprints.normalize(trust.fingerprint))
              : Tls.clientWithCa(trust.caCert);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
    List<AgentLink> links = new ArrayList<>();
    for (URI uri : uris) {
      links.add(
          new AgentLink(
              new AgentLink.Settings(
                  uri.getHost().replace("[", "").replace("]", ""),
                  uri.getPort() == -1 ? 443 : uri.getPort(),
                  name,
                  tokens,
                  ssl,
                  allowed,
                  Duration.ofSeconds(maxBackoffSeconds),
                  maxStreams)));
    }
    Thread hook = new Thread(() -> links.forEach(AgentLink::stop), "hoop-agent-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    // One thread per broker replica; the run ends when every link has (stopped, or refused).
    List<java.util.concurrent.Future<AgentLink.Outcome>> runs = new ArrayList<>();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(
            links.size(),
            r -> {
              Thread t = new Thread(r, "hoop-agent-link");
              t.setDaemon(true);
              return t;
            });
    try {
      for (AgentLink link : links) {
        runs.add(pool.submit(link::run));
      }
      boolean refused = false;
      for (int i = 0; i < links.size(); i++) {
        AgentLink.Outcome outcome;
        try {
          outcome = runs.get(i).get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("agent link to " + uris.get(i) + " failed", e.getCause());
        }
        if (outcome == AgentLink.Outcome.REFUSED) {
          refused = true;
          var r = links.get(i).refusal();
          cl.getErr()
              .println(
                  "hoop-agent: the broker "
                      + (links.size() > 1 ? "at " + uris.get(i) + " " : "")
                      + "refused agent "
                      + name
                      + ": "
                      + (r == null ? "no reason given" : r.message()));
        }
      }
      if (refused) {
        return AgentMain.REFUSED;
      }
    } finally {
      pool.shutdownNow();
    }
    return AgentMain.OK;
  }
}
