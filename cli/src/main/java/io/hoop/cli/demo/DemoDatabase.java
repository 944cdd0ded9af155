package io.hoop.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * The demo's application data: database {@code shop}, a {@code customers} table with personal data,
 * and the read-only role {@code app_ro} whose SCRAM password only the broker reads (from an
 * owner-only file), so the user never sees it.
 */
final class DemoDatabase {
  static final String DATABASE = "shop";
  static final String ROLE = "app_ro";
  static final String PASSWORD_FILE = "app_ro.pw";

  /** Test card numbers (they pass the Luhn check) and made-up SSN-like values. */
  static final String CUSTOMERS =
      String.join(
          "\n",
          "create table customers (",
          "  id int primary key,",
          "  name text not null,",
          "  email text not null,",
          "  card text not null,",
          "  ssn text not null);",
          "insert into customers values",
          "  (1, 'Ada Lovelace', 'ada@example.com', '4111 1111 1111 1111', '078-05-1120'),",
          "  (2, 'Alan Turing', 'alan@example.org', '5555 5555 5555 4444', '219-09-9999'),",
          "  (3, 'Grace Hopper', 'grace@example.net', '3782 822463 10005', '457-55-5462');",
          "grant select on customers to " + ROLE + ";",
          "");

  private static final char[] ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

  private DemoDatabase() {}

  /**
   * Creates the role, the database and the table, and writes the role's password to {@code
   * <dir>/app_ro.pw} (mode 0600).
   *
   * @return the password file
   */
  static Path seed(PostgresCluster cluster, Path psql, Path dir) throws IOException {
    // Letters and digits only: the password sits in a SQL literal and needs no quoting.
    String password = randomPassword(32);
    Path file = dir.resolve(PASSWORD_FILE);
    writeOwnerOnly(file, password + "\n");
    cluster.execute(
        psql,
        "postgres",
        String.join(
            "\n",
            "set password_encryption = 'scram-sha-256';",
            "create role " + ROLE + " login password '" + password + "';",
            "create database " + DATABASE + ";",
            "\\connect " + DATABASE,
            "revoke create on schema public from public;",
            CUSTOMERS));
    return file;
  }

  static String randomPassword(int length) {
    SecureRandom random = new SecureRandom();
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return b.toString();
  }

  private static void writeOwnerOnly(Path file, String content) throws IOException {
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(
        file,
        content,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }
}
