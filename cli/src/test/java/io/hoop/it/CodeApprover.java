package io.hoop.it;

import io.hoop.testkit.BrokerFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands in for the person at the browser: watches the CLI's stderr for "enter code XXXX-XXXX" and
 * completes the dev IdP's verification page for that code, over real HTTPS.
 */
final class CodeApprover extends OutputStream {
  private static final Pattern CODE = Pattern.compile("enter code ([A-Z]{4}-[A-Z]{4})");
  private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
  private final BrokerFixture broker;
  private final String username;
  private final boolean approve;
  private volatile boolean done;

  CodeApprover(BrokerFixture broker, String username, boolean approve) {
    this.broker = broker;
    this.username = username;
    this.approve = approve;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    seen.write(b);
    if (b == '\n' && !done) {
      Matcher m = CODE.matcher(seen.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        done = true;
        if (approve) {
          broker.approveDeviceCode(m.group(1), username);
        } else {
          broker.denyDeviceCode(m.group(1), username);
        }
      }
    }
  }

  String text() {
    synchronized (this) {
      return seen.toString(StandardCharsets.UTF_8);
    }
  }
}
