package io.hoop.engine.ssh.bridge;

/**
 * Splits one direction of an SFTP byte stream into packets without holding their payload: each
 * packet's first bytes (enough for ids, handles and paths) go to the consumer with the packet's
 * full length. A length outside (0, {@link #MAX_PACKET}] makes the framer give up for good ({@link
 * #broken()}); it never throws.
 */
final class SftpFramer {

  /** OpenSSH's sftp-server refuses packets above 256 KiB; allow some slack for other servers. */
  static final int MAX_PACKET = 1 << 20;

  /** Bytes kept from the start of each packet: type, id, a handle and two paths fit. */
  static final int HEAD = 16 * 1024;

  private enum State {
    LENGTH,
    BODY,
    BROKEN
  }

  /** Receives a packet's first {@code headLength} bytes and its declared length. */
  @FunctionalInterface
  interface PacketConsumer {
    void packet(byte[] head, int headLength, int packetLength);
  }

  private final PacketConsumer consumer;
  private final byte[] length = new byte[4];
  private final byte[] head = new byte[HEAD];
  private State state = State.LENGTH;
  private int lengthHave;
  private int packetLength;
  private int remaining;
  private int headHave;
  private int headWant;

  SftpFramer(PacketConsumer consumer) {
    this.consumer = consumer;
  }

  boolean broken() {
    return state == State.BROKEN;
  }

  void feed(byte[] bytes, int offset, int count) {
    int off = offset;
    int len = count;
    while (len > 0) {
      switch (state) {
        case BROKEN -> {
          return;
        }
        case LENGTH -> {
          int n = Math.min(4 - lengthHave, len);
          System.arraycopy(bytes, off, length, lengthHave, n);
          lengthHave += n;
          off += n;
          len -= n;
          if (lengthHave == 4) {
            packetLength =
                ((length[0] & 0xff) << 24)
                    | ((length[1] & 0xff) << 16)
                    | ((length[2] & 0xff) << 8)
                    | (length[3] & 0xff);
            if (packetLength <= 0 || packetLength > MAX_PACKET) {
              state = State.BROKEN;
              return;
            }
            remaining = packetLength;
            headHave = 0;
            headWant = Math.min(packetLength, HEAD);
            state = State.BODY;
          }
        }
        case BODY -> {
          int n = Math.min(remaining, len);
          int toHead = Math.min(headWant - headHave, n);
          if (toHead > 0) {
            System.arraycopy(bytes, off, head, headHave, toHead);
            headHave += toHead;
          }
          remaining -= n;
          off += n;
          len -= n;
          if (remaining == 0) {
            consumer.packet(head, headHave, packetLength);
            lengthHave = 0;
            state = State.LENGTH;
          }
        }
      }
    }
  }
}
