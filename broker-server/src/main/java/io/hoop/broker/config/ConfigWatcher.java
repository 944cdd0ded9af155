package io.hoop.broker.config;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's current config, reloaded from its file when the file changes (debounced 500 ms) or
 * on SIGHUP. A new file is validated completely before anything changes: an invalid one is rejected
 * with the key named and the old config stays in force; a valid one replaces the old one in a
 * single atomic swap, so a request sees either the old or the new config, never a mix.
 */
public final class ConfigWatcher implements Supplier<BrokerConfig>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
  static final long DEBOUNCE_MILLIS = 500;

  /** What the broker does around a reload. */
  public interface Listener {
    /**
     * Applies what lives outside the config record (e.g. entitlements in the store), before the
     * swap; throwing rejects the new config.
     */
    void apply(BrokerConfig previous, BrokerConfig next);

    /** The new config is in force. */
    void reloaded(BrokerConfig previous, BrokerConfig current, String trigger);

    /** The new file was refused; {@code message} names the key. */
    void rejected(String message, String trigger);
  }

  private final AtomicReference<BrokerConfig> current;
  private final Path file;
  private final boolean dev;
  private final Listener listener;
  private final ScheduledExecutorService worker;
  private final WatchService watch;
  private final Thread watcher;
  private ScheduledFuture<?> debounce;
  private byte[] loadedDigest;

  private ConfigWatcher(BrokerConfig initial, Path file, boolean dev, Listener listener)
      throws IOException {
    this.current = new AtomicReference<>(initial);
    this.file = file == null ? null : file.toAbsolutePath();
    this.dev = dev;
    this.listener = listener;
    this.worker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hoop-config");
              t.setDaemon(true);
              return t;
            });
    if (this.file == null) {
      this.watch = null;
      this.watcher = null;
      return;
    }
    this.loadedDigest = digest(this.file);
    this.watch = FileSystems.getDefault().newWatchService();
    // The directory, not the file: editors and Kubernetes replace files by renaming, and a watch
    // on the old inode would go silent.
    this.file
        .getParent()
        .register(
            watch,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
    this.watcher = new Thread(this::watchLoop, "hoop-config-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  /**
   * Holds {@code initial}; with a {@code file}, watches it and reloads on change ({@code dev} as at
   * start). Without a file (built-in dev config) it only holds the config.
   */
  public static ConfigWatcher start(BrokerConfig initial, Path file, boolean dev, Listener listener)
      throws IOException {
    return new ConfigWatcher(initial, file, dev, listener);
  }

  @Override
  public BrokerConfig get() {
    return current.get();
  }

  /** The watched file, or null. */
  public Path file() {
    return file;
  }

  /** Reloads on SIGHUP (best effort: returns false where the JVM does not allow signals). */
  public boolean reloadOnSighup() {
    if (file == null) {
      return false;
    }
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance("HUP");
      Object handler =
          Proxy.newProxyInstance(
              handlerClass.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                switch (method.getName()) {
                  case "handle" -> {
                    // The signal thread must not block: the reload runs on the config thread.
                    worker.execute(() -> reload("SIGHUP", true));
                    return null;
                  }
                  case "equals" -> {
                    return proxy == args[0];
                  }
                  case "hashCode" -> {
                    return System.identityHashCode(proxy);
                  }
                  default -> {
                    return "hoop-sighup-handler";
                  }
                }
              });
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      handle.invoke(null, signal, handler);
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("SIGHUP reload unavailable: {}", e.toString());
      return false;
    }
  }

  /**
   * Loads the file now and swaps it in if valid; returns whether the config changed. {@code force}
   * reloads even when the file's bytes are the same as last time.
   */
  public synchronized boolean reload(String trigger, boolean force) {
    if (file == null) {
      return false;
    }
    byte[] digest = digest(file);
    if (!force && digest != null && Arrays.equals(digest, loadedDigest)) {
      return false;
    }
    BrokerConfig previous = current.get();
    BrokerConfig next;
    try {
      next = ConfigLoader.load(file, dev);
      listener.apply(previous, next);
    } catch (ConfigException | RuntimeException e) {
      loadedDigest = digest;
      LOG.warn(
          "config rejected, the previous config stays in force trigger={} error={}",
          trigger,
          e.getMessage());
      listener.rejected(e.getMessage(), trigger);
      return false;
    }
    loadedDigest = digest;
    current.set(next);
    warnAboutRestartOnly(previous, next);
    LOG.info(
        "config reloaded trigger={} file={} targets={} entitlements={} webhooks={}",
        trigger,
        file,
        next.targets().size(),
        next.entitlements().size(),
        next.notifications().webhooks().size());
    listener.reloaded(previous, next, trigger);
    return true;
  }

  private static void warnAboutRestartOnly(BrokerConfig previous, BrokerConfig next) {
    if (!previous.listen().equals(next.listen())) {
      LOG.warn(
          "config: listen changed from {} to {}; the broker keeps listening on {} until restarted",
          previous.listen(),
          next.listen(),
          previous.listen());
    }
    if (!previous.devIdp().clientId().equals(next.devIdp().clientId())
        || !previous.devIdp().codeTtl().equals(next.devIdp().codeTtl())
        || !previous.devIdp().pollInterval().equals(next.devIdp().pollInterval())
        || !previous.devIdp().clients().equals(next.devIdp().clients())) {
      LOG.warn(
          "config: devIdp client id, timings or clients changed; these apply after a restart"
              + " (dev IdP users are reloaded)");
    }
    if (!previous.identity().equals(next.identity())
        || !previous.publicUrl().equals(next.publicUrl())
        || !previous.store().equals(next.store())) {
      LOG.warn("config: identity, publicUrl or store changed; these apply after a restart");
    }
  }

  private void watchLoop() {
    try {
      while (true) {
        WatchKey key = watch.take();
        // Any event in the directory counts (Kubernetes swaps a ..data symlink, not the file);
        // the digest check after the debounce skips reloads that change nothing.
        key.pollEvents();
        key.reset();
        scheduleReload();
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // Closing.
    }
  }

  private synchronized void scheduleReload() {
    if (debounce != null) {
      debounce.cancel(false);
    }
    debounce =
        worker.schedule(() -> reload("file change", false), DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
  }

  private static byte[] digest(Path file) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (IOException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    if (watch != null) {
      try {
        watch.close();
      } catch (IOException e) {
        LOG.debug("closing the config watch: {}", e.toString());
      }
    }
  }
}
