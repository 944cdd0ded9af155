package io.hoop.engine.ssh.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.ssh.policy.SftpOperation;
import io.hoop.engine.ssh.policy.SftpPath;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.Test;

class SftpRequestTest {

  /** A request payload: type, id, then strings (String), ints (Integer) or raw bytes (byte[]). */
  private static byte[] packet(int type, int id, Object... fields) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(type);
    out.writeInt(id);
    for (Object f : fields) {
      if (f instanceof String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      } else if (f instanceof Integer i) {
        out.writeInt(i);
      } else {
        out.write((byte[]) f);
      }
    }
    return bytes.toByteArray();
  }

  private static SftpRequest decode(byte[] p) {
    return SftpRequest.decode(p, 0, p.length);
  }

  @Test
  void opensAreReadsOrWritesByTheirFlags() throws Exception {
    assertThat(decode(packet(3, 7, "/etc/passwd", 0x01, 0)))
        .isEqualTo(new SftpRequest.OnPath(7, 3, SftpOperation.READ, "/etc/passwd", "", false));
    for (int flags : new int[] {0x02, 0x04, 0x08, 0x10, 0x18, 0x1a}) {
      assertThat(decode(packet(3, 7, "/x", flags, 0)))
          .isEqualTo(new SftpRequest.OnPath(7, 3, SftpOperation.WRITE, "/x", "", false));
    }
    assertThat(decode(packet(3, 7, "/x", 0x03, 0)))
        .isEqualTo(new SftpRequest.OnPath(7, 3, SftpOperation.WRITE, "/x", "", true));
    // no flag at all: a read as far as the rules go
    assertThat(((SftpRequest.OnPath) decode(packet(3, 7, "/x", 0, 0))).op())
        .isEqualTo(SftpOperation.READ);
  }

  @Test
  void pathOperationsAndTheirKinds() throws Exception {
    assertThat(((SftpRequest.OnPath) decode(packet(13, 1, "/a"))).op())
        .isEqualTo(SftpOperation.REMOVE);
    assertThat(((SftpRequest.OnPath) decode(packet(14, 1, "/a", 0))).op())
        .isEqualTo(SftpOperation.MKDIR);
    assertThat(((SftpRequest.OnPath) decode(packet(15, 1, "/a"))).op())
        .isEqualTo(SftpOperation.RMDIR);
    assertThat(((SftpRequest.OnPath) decode(packet(9, 1, "/a", 0))).op())
        .isEqualTo(SftpOperation.SETSTAT);
    assertThat(((SftpRequest.OnPath) decode(packet(11, 1, "/a"))).op())
        .isEqualTo(SftpOperation.LIST);
    assertThat(((SftpRequest.OnPath) decode(packet(17, 1, "/a"))).op())
        .isEqualTo(SftpOperation.LIST);
    assertThat(((SftpRequest.OnPath) decode(packet(19, 1, "/a"))).op())
        .isEqualTo(SftpOperation.READLINK);
    assertThat(decode(packet(18, 1, "/a", "/b")))
        .isEqualTo(new SftpRequest.OnPath(1, 18, SftpOperation.RENAME, "/a", "/b", false));
    assertThat(decode(packet(200, 1, "posix-rename@openssh.com", "/a", "/b")))
        .isEqualTo(new SftpRequest.OnPath(1, 200, SftpOperation.RENAME, "/a", "/b", false));
    assertThat(((SftpRequest.OnPath) decode(packet(200, 1, "lsetstat@openssh.com", "/a", 0))).op())
        .isEqualTo(SftpOperation.SETSTAT);
    assertThat(decode(packet(10, 1, new byte[] {0, 0, 0, 4, 1, 2, 3, 4}, 0)))
        .isInstanceOf(SftpRequest.OnHandle.class);
    assertThat(decode(packet(16, 1, "."))).isEqualTo(new SftpRequest.Pass(1, 16, "."));
  }

  @Test
  void linksUnknownTypesAndExtensionsAreRefused() throws Exception {
    assertThat(decode(packet(20, 2, "/etc", "/tmp/l")))
        .isInstanceOfSatisfying(
            SftpRequest.Refuse.class, r -> assertThat(r.reason()).contains("symlink"));
    assertThat(decode(packet(200, 2, "hardlink@openssh.com", "/etc/shadow", "/tmp/h")))
        .isInstanceOfSatisfying(
            SftpRequest.Refuse.class, r -> assertThat(r.reason()).contains("hardlink"));
    assertThat(decode(packet(99, 2)))
        .isEqualTo(new SftpRequest.Refuse(2, "sftp request type 99 is not known to the broker"));
    assertThat(decode(packet(200, 2, "evil@example.com\u0007", "/x")))
        .isInstanceOfSatisfying(
            SftpRequest.Refuse.class,
            r -> assertThat(r.reason()).contains("evil@example.com?").doesNotContain("\u0007"));
  }

  @Test
  void malformedRequestsAreRefusedWithTheirIdAndIdlessOnesBreak() throws Exception {
    // a string longer than the packet, a negative length, a missing flags word, bad UTF-8
    byte[] tooLong = packet(13, 5, 1000);
    byte[] negative = packet(13, 5, -1);
    byte[] noFlags = packet(3, 5, "/x");
    byte[] badUtf8 = packet(13, 5, 2, new byte[] {(byte) 0xc3, (byte) 0x28});
    for (byte[] p : new byte[][] {tooLong, negative, noFlags, badUtf8}) {
      assertThat(decode(p))
          .isInstanceOfSatisfying(SftpRequest.Refuse.class, r -> assertThat(r.id()).isEqualTo(5));
    }
    assertThat(decode(new byte[] {13, 0, 0})).isInstanceOf(SftpRequest.Broken.class);
    assertThat(decode(new byte[0])).isInstanceOf(SftpRequest.Broken.class);
    assertThat(decode(new byte[] {1, 0, 0, 0, 3})).isInstanceOf(SftpRequest.Pass.class);
  }

  @Test
  void theDeniedStatusIsOneWellFormedPacket() {
    Buffer b = SftpGate.status(0xfffffffe, "hoop: refused by policy: é");
    ByteBuffer p = ByteBuffer.wrap(b.array(), b.rpos(), b.available());
    assertThat(p.getInt()).isEqualTo(b.available() - 4);
    assertThat(p.get()).isEqualTo((byte) 101);
    assertThat(p.getInt()).isEqualTo(0xfffffffe);
    assertThat(p.getInt()).isEqualTo(3); // SSH_FX_PERMISSION_DENIED
    byte[] msg = new byte[p.getInt()];
    p.get(msg);
    assertThat(new String(msg, StandardCharsets.UTF_8)).isEqualTo("hoop: refused by policy: é");
    byte[] lang = new byte[p.getInt()];
    p.get(lang);
    assertThat(p.remaining()).isZero();
  }

  @Test
  void pathsAreResolvedOrRefused() {
    assertThat(SftpPath.resolve("/srv//app/./x", null).path()).isEqualTo("/srv/app/x");
    assertThat(SftpPath.resolve("x/y", "/home/u").path()).isEqualTo("/home/u/x/y");
    assertThat(SftpPath.resolve("", "/home/u").path()).isEqualTo("/home/u");
    assertThat(SftpPath.resolve("x", null).refusal())
        .contains("before the session's working directory is known");
    for (String p : new String[] {"/srv/../etc", "..", "a/..", "/srv/app/..", "../x"}) {
      assertThat(SftpPath.resolve(p, "/home/u").refusal()).as(p).contains("'..' segment");
    }
    assertThat(SftpPath.resolve("/srv/...", null).path()).isEqualTo("/srv/...");
    assertThat(SftpPath.resolve("/a\0b", null).refused()).isTrue();
    assertThat(SftpPath.resolve("/" + "a".repeat(5000), null).refused()).isTrue();
    assertThat(SftpPath.resolve("x", "relative").refused()).isTrue();
  }
}
