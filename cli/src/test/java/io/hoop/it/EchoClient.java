package io.hoop.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A wrapped command for {@code hoop connect -- ...} that talks to a TCP echo target in plain Java,
 * so tests need no {@code nc}: sends a message to {@code $HOOP_HOST:$HOOP_PORT} and writes what
 * comes back to a file.
 */
final class EchoClient {
  private static final int TIMEOUT_MILLIS = 10_000;

  private EchoClient() {}

  /** The command line that runs this class in a new JVM with the test class path. */
  static List<String> command(String message, Path reply) {
    return new ArrayList<>(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            EchoClient.class.getName(),
            message,
            reply.toString()));
  }

  /** {@code args}: the message, and the file to write the reply to. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: EchoClient MESSAGE REPLY-FILE");
    }
    byte[] message = args[0].getBytes(StandardCharsets.UTF_8);
    String host = System.getenv().getOrDefault("HOOP_HOST", "127.0.0.1");
    int port = Integer.parseInt(System.getenv("HOOP_PORT"));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.getOutputStream().write(message);
      socket.getOutputStream().flush();
      // Read as many bytes as were sent: the echo target keeps the connection open until we close.
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(message.length);
      Files.write(Path.of(args[1]), reply);
    }
  }
}
