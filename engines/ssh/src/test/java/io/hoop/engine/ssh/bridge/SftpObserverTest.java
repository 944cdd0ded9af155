package io.hoop.engine.ssh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SftpObserverTest {

  private final List<String> seen = new ArrayList<>();
  private final SftpObserver observer =
      new SftpObserver(
          new SftpObserver.Sink() {
            @Override
            public void operation(String op, String path, String otherPath) {
              seen.add(op + " " + path + (otherPath.isEmpty() ? "" : " " + otherPath));
            }

            @Override
            public void transfer(String path, long bytesWritten, long bytesRead) {
              seen.add("transfer " + path + " w=" + bytesWritten + " r=" + bytesRead);
            }

            @Override
            public void unparseable(String direction) {
              seen.add("unparseable " + direction);
            }
          });

  @Test
  void uploadAndDownloadAreReportedWithNamesAndSizes() {
    // in the order of the wire; requests fed byte by byte to exercise the framing
    user(packet(1, u32(3))); // INIT
    target(packet(2, u32(3))); // VERSION
    user(packet(3, u32(1), str("/srv/up.bin"), u32(0x1a), u32(0))); // OPEN write|creat|trunc
    target(packet(102, u32(1), str("h1"))); // HANDLE
    user(
        concat(
            packet(6, u32(2), str("h1"), u64(0), str(new byte[1000])), // WRITE
            packet(6, u32(3), str("h1"), u64(1000), str(new byte[24])), // WRITE
            packet(4, u32(4), str("h1")), // CLOSE
            packet(3, u32(5), str("/srv/down.bin"), u32(1), u32(0)))); // OPEN read
    target(packet(102, u32(5), str("h2"))); // HANDLE
    user(packet(5, u32(6), str("h2"), u64(0), u32(32768))); // READ
    target(packet(103, u32(6), str(new byte[500]))); // DATA
    user(
        concat(
            packet(4, u32(7), str("h2")), // CLOSE
            packet(18, u32(8), str("/a"), str("/b")), // RENAME
            packet(13, u32(9), str("/c")))); // REMOVE

    assertThat(seen)
        .containsExactly(
            "open-write /srv/up.bin",
            "transfer /srv/up.bin w=1024 r=0",
            "open-read /srv/down.bin",
            "transfer /srv/down.bin w=0 r=500",
            "rename /a /b",
            "remove /c");
  }

  @Test
  void aBogusLengthStopsTheObservationOnce() {
    byte[] junk = {(byte) 0x7f, 0, 0, 0, 1, 2, 3};
    observer.fromUser(junk, 0, junk.length);
    observer.fromUser(junk, 0, junk.length);
    assertThat(seen).containsExactly("unparseable requests");
  }

  @FuzzTest(maxDuration = "20s")
  void neverThrows(FuzzedDataProvider data) {
    byte[] a = data.consumeBytes(data.consumeInt(0, 4096));
    byte[] b = data.consumeRemainingAsBytes();
    observer.fromUser(a, 0, a.length);
    observer.fromTarget(b, 0, b.length);
    observer.fromUser(b, 0, b.length);
    observer.end();
  }

  private void user(byte[] bytes) {
    for (int i = 0; i < bytes.length; i++) {
      observer.fromUser(bytes, i, 1);
    }
  }

  private void target(byte[] bytes) {
    observer.fromTarget(bytes, 0, bytes.length);
  }

  private static byte[] packet(int type, byte[]... fields) {
    byte[] body = concat(fields);
    return ByteBuffer.allocate(5 + body.length)
        .putInt(1 + body.length)
        .put((byte) type)
        .put(body)
        .array();
  }

  private static byte[] u32(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }

  private static byte[] u64(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static byte[] str(String s) {
    return str(s.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] str(byte[] s) {
    return concat(u32(s.length), s);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
