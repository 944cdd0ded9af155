package io.hoop.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The hoop version, from a resource Maven filters at build time. */
public final class VersionInfo implements IVersionProvider {
  /** The version string, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown}. */
  public static String version() {
    try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "hoop " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
