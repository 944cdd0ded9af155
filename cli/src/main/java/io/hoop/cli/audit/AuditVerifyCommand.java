package io.hoop.cli.audit;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.broker.RequestAuth;
import io.hoop.cli.commands.AuditCommand;
import io.hoop.cli.commands.CommonOptions;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop audit verify}: checks an export offline and names the first bad line. */
@Command(
    name = "verify",
    description = {
      "Check an audit export offline.",
      "Every record's hash, the chain of prev hashes and seq order, every checkpoint's",
      "signature and the hash it signs. Exit 0 if intact; exit 1 naming the first bad",
      "line (edited, deleted or reordered record, forged checkpoint or anchor,",
      "truncated or malformed file).",
      "An export taken after the broker's retention purged old records starts with a",
      "signed anchor: the checkpoint of the last purged record, which the first record",
      "must link to. Give an older export too (oldest first) and the files are checked",
      "to form one chain: the older file holds the record the anchor signs."
    },
    footer = {
      "%nExamples:",
      "  hoop audit verify audit.jsonl            # key from the profile's broker",
      "  hoop audit verify audit.jsonl --public-key audit-key.jwk   # fully offline",
      "  hoop audit export | hoop audit verify -",
      "  hoop audit verify 2025-q1.jsonl 2025-q2.jsonl   # the later one after a purge",
      "",
      "Get the key file once with `hoop-broker audit public-key` on the broker host,",
      "or save the output of GET /v1/audit/public-key."
    })
public final class AuditVerifyCommand implements Callable<Integer> {
  private static final int MAX_KEY_BYTES = 16 * 1024;

  @ParentCommand AuditCommand parent;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(
      paramLabel = "FILE",
      arity = "1..*",
      description = "The export (JSON Lines), or - for stdin; several exports oldest first.")
  List<String> files;

  @ArgGroup(exclusive = true)
  KeySource key;

  /** Where the public key comes from; default: the profile's broker. */
  static final class KeySource {
    @Option(
        names = "--public-key",
        paramLabel = "JWK_FILE",
        description = "The broker's audit public key (JWK, or a JWK set with one key).")
    Path file;

    @Option(
        names = "--broker-key",
        description = "Fetch the key from the profile's broker (the default).")
    boolean broker;
  }

  @Override
  public Integer call() throws IOException {
    String keySource;
    ECKey ecKey;
    if (key != null && key.file != null) {
      ecKey = readKey(key.file);
      keySource = key.file.toString();
    } else {
      BrokerSession session =
          BrokerSession.open(common.store(parent.environment()), parent.environment().clock());
      String jwk =
          new AuditApi(session.profile().brokerUrl(), session.tls().transport(), RequestAuth.none())
              .publicKey();
      ecKey = parseKey(jwk, "the broker's audit key");
      keySource = "broker " + session.profile().brokerUrl();
    }
    if (files.size() > 1 && files.contains("-")) {
      throw new HoopException.Usage(
          "- (stdin) cannot be joined with other exports; save it to a file first");
    }
    List<ExportJoin.Part> parts = new ArrayList<>();
    for (String file : files) {
      VerifyResult result;
      try (InputStream in = open(file)) {
        result = AuditVerifier.verify(in, ecKey);
      }
      String name = "-".equals(file) ? "stdin" : file;
      if (!result.ok()) {
        throw new HoopException(
            name + " line " + result.line() + ": " + result.problem() + " (verification failed)");
      }
      print(spec.commandLine().getOut(), name, result.summary(), keySource);
      parts.add(new ExportJoin.Part(name, result.summary(), () -> open(file)));
    }
    for (int i = 1; i < parts.size(); i++) {
      String problem = ExportJoin.problem(parts.get(i - 1), parts.get(i));
      if (problem != null) {
        throw new HoopException(problem + " (verification failed)");
      }
      VerifyResult.Summary a = parts.get(i - 1).summary();
      VerifyResult.Summary b = parts.get(i).summary();
      spec.commandLine()
          .getOut()
          .println(
              parts.get(i - 1).name()
                  + " + "
                  + parts.get(i).name()
                  + ": one chain, seq "
                  + n(a.firstSeq())
                  + " .. "
                  + n(Math.max(a.lastSeq(), b.lastSeq()))
                  + " (joined at seq "
                  + n(b.firstSeq() - 1)
                  + (b.anchorSeq() >= 0 ? ", the newer file's signed anchor" : "")
                  + ")");
    }
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  private InputStream open(String file) throws IOException {
    if ("-".equals(file)) {
      return new BufferedInputStream(parent.environment().stdin());
    }
    try {
      return Files.newInputStream(Path.of(file));
    } catch (NoSuchFileException e) {
      throw new HoopException.Usage("no such file " + file + "; expected an audit export");
    }
  }

  static void print(PrintWriter out, String name, VerifyResult.Summary s, String keySource) {
    out.println(
        name
            + ": "
            + n(s.records())
            + " records, "
            + n(s.checkpoints())
            + " checkpoints, "
            + (s.filtered() ? "each record's hash intact" : "chain intact")
            + (s.lastSignedSeq() < 0
                ? ", no signed checkpoint"
                : ", last signed checkpoint seq " + n(s.lastSignedSeq())));
    if (s.records() > 0) {
      out.println("  records:      seq " + n(s.firstSeq()) + " .. " + n(s.lastSeq()));
    }
    String chain;
    if (s.filtered()) {
      chain = "no (filtered export: records were left out by design)";
    } else if (s.records() == 0) {
      chain = "yes (no records)";
    } else if (s.firstSeq() == 1) {
      chain = "yes, from the start of the log (seq 1)";
    } else if (s.anchorSeq() >= 0) {
      chain =
          "yes, from seq "
              + n(s.firstSeq())
              + ", linked to the signed anchor of seq "
              + n(s.anchorSeq())
              + " (records up to it were purged or are in an earlier export)";
    } else {
      chain = "yes, from seq " + n(s.firstSeq()) + " (earlier records are not in this file)";
    }
    out.println("  chain checked: " + chain);
    out.println(
        "  signatures:   "
            + n(s.checkpoints())
            + " checkpoints verified with key "
            + s.keyId()
            + " ("
            + keySource
            + ")");
    if (s.unsigned() > 0) {
      out.println(
          "  unsigned:     "
              + n(s.unsigned())
              + " records after the last checkpoint are not covered by a signature");
    }
    if (!s.hasHeader()) {
      out.println("  note:         no export header; the file was read as a whole export");
    }
    out.flush();
  }

  private static String n(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  private static ECKey readKey(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new HoopException.Usage("no such key file " + path + "; expected a JWK file");
    }
    byte[] b;
    try (InputStream in = Files.newInputStream(path)) {
      b = in.readNBytes(MAX_KEY_BYTES + 1);
    }
    if (b.length > MAX_KEY_BYTES) {
      throw new HoopException.Usage(
          "key file " + path + " is over " + MAX_KEY_BYTES + " bytes; expected a JWK");
    }
    return parseKey(new String(b, StandardCharsets.UTF_8), "key file " + path);
  }

  static ECKey parseKey(String json, String what) {
    try {
      JWK jwk;
      if (json.contains("\"keys\"")) {
        JWKSet set = JWKSet.parse(json);
        if (set.getKeys().size() != 1) {
          throw new HoopException.Usage(
              what + " holds " + set.getKeys().size() + " keys; expected exactly one");
        }
        jwk = set.getKeys().get(0);
      } else {
        jwk = JWK.parse(json);
      }
      if (!(jwk instanceof ECKey ec)) {
        throw new HoopException.Usage(what + " is a " + jwk.getKeyType() + " key; expected EC");
      }
      return ec.toPublicJWK();
    } catch (ParseException e) {
      throw new HoopException.Usage(what + " is not a JWK: " + e.getMessage());
    }
  }
}
