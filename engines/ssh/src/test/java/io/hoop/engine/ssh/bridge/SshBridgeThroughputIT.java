package io.hoop.engine.ssh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.ssh.testing.OpenSshClient;
import io.hoop.engine.ssh.testing.OpenSshClient.Result;
import io.hoop.engine.ssh.testing.OpenSshServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A one-run measurement, not a gate: scp of 1 GiB (or -Dhoop.bench.mib) direct, through an OpenSSH
 * jump host ({@code -J}) and through the bridge, with the JVM's CPU seconds from /proc. Run with
 * {@code -Dit.test=SshBridgeThroughputIT -Dhoop.bench=true}.
 */
@EnabledIfSystemProperty(named = "hoop.bench", matches = "true")
class SshBridgeThroughputIT {

  private static final Duration T = Duration.ofMinutes(10);

  @Test
  void scpThroughput() throws Exception {
    int mib = Integer.getInteger("hoop.bench.mib", 1024);
    try (OpenSshServer sshd = OpenSshServer.start()) {
      Path work = sshd.dir();
      Path userKey = work.resolve("user_key");
      OpenSshServer.keygen(userKey, "ed25519");
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair hostKey = g.generateKeyPair();
      Path file = work.resolve("big.bin");
      byte[] chunk = new byte[1 << 20];
      new Random(1).nextBytes(chunk);
      try (OutputStream out = Files.newOutputStream(file)) {
        for (int i = 0; i < mib; i++) {
          chunk[0] = (byte) i;
          out.write(chunk);
        }
      }
      Path known = work.resolve("known_direct");
      Files.writeString(
          known,
          "[127.0.0.1]:" + sshd.port() + " " + PublicKeyEntry.toString(sshd.hostKey()) + "\n");
      OpenSshClient direct =
          new OpenSshClient(sshd.port(), sshd.clientKeyFile(), known, sshd.user());
      Path target = work.resolve("copy.bin");

      Result d =
          OpenSshClient.run(direct.scp(file.toString(), direct.remote(target.toString())), T);
      assertThat(d.exitCode()).as(d.stderr()).isZero();

      List<String> jump =
          new ArrayList<>(direct.scp(file.toString(), direct.remote(target.toString())));
      // an OpenSSH jump host (what ssh -J does), as a ProxyCommand so the hop gets the same options
      List<String> hop = new ArrayList<>(List.of("ssh", "-p", Integer.toString(sshd.port())));
      hop.addAll(direct.options());
      hop.addAll(List.of("-W", "%h:%p", direct.destination()));
      jump.addAll(1, List.of("-o", "ProxyCommand=" + String.join(" ", hop)));
      Result j = OpenSshClient.run(jump, T);
      try (SshBridge bridge = SshBridge.start(t -> hostKey)) {
        Admission admission =
            new Admission(
                "bench",
                OpenSshServer.readPublicKey(work.resolve("user_key.pub")),
                new InetSocketAddress("127.0.0.1", sshd.port()),
                List.of(sshd.hostKey()),
                sshd.user(),
                new TargetCredential.Key(sshd.clientKeyPair()),
                BridgePolicy.denyAll()
                    .withExec(c -> Verdict.allow())
                    .withSftp(BridgePolicy.SftpCheck.allowAll()),
                BridgeListener.ignore());
        InetSocketAddress at = bridge.expect("bench", admission);
        Path knownBridge = work.resolve("known_bridge");
        Files.writeString(
            knownBridge,
            "[127.0.0.1]:"
                + at.getPort()
                + " "
                + PublicKeyEntry.toString(hostKey.getPublic())
                + "\n");
        OpenSshClient viaBridge =
            new OpenSshClient(at.getPort(), userKey, knownBridge, sshd.user());
        double cpuBefore = cpuSeconds();
        Result b =
            OpenSshClient.run(
                viaBridge.scp(file.toString(), viaBridge.remote(target.toString())), T);
        double cpu = cpuSeconds() - cpuBefore;
        assertThat(b.exitCode()).as(b.stderr()).isZero();
        System.out.printf(
            "scp %d MiB: direct %.1f MB/s; jump host %s; bridge %.1f MB/s (%.2fx direct), bridge JVM CPU %.2f s%n",
            mib,
            mbps(mib, d.took()),
            j.exitCode() == 0
                ? String.format("%.1f MB/s", mbps(mib, j.took()))
                : "failed: " + j.stderr().trim(),
            mbps(mib, b.took()),
            mbps(mib, b.took()) / mbps(mib, d.took()),
            cpu);
      }
    }
  }

  private static double mbps(int mib, Duration took) {
    return mib * 1.048576 / (took.toNanos() / 1e9);
  }

  /** utime + stime of this JVM, from /proc/self/stat (clock ticks of 1/100 s). */
  private static double cpuSeconds() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }
}
