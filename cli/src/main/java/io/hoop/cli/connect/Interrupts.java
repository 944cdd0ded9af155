package io.hoop.cli.connect;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Takes over SIGINT (Ctrl-C) while a tunnel is open, so the CLI can close it and exit 0 instead of
 * dying with 130. {@code sun.misc.Signal} is reached reflectively: it is supported API of the
 * {@code jdk.unsupported} module, but javac warns on direct use and warnings are errors here.
 */
public final class Interrupts implements AutoCloseable {
  private final Object signal;
  private final Object previous;

  private Interrupts(Object signal, Object previous) {
    this.signal = signal;
    this.previous = previous;
  }

  /**
   * Runs {@code onInterrupt} on Ctrl-C until closed; returns null when the JVM does not allow it
   * (the caller then relies on the default: shutdown hooks and exit 130).
   */
  public static Interrupts install(Runnable onInterrupt) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Object signal = signalClass.getConstructor(String.class).newInstance("INT");
      Object handler =
          Proxy.newProxyInstance(
              handlerClass.getClassLoader(),
              new Class<?>[] {handlerClass},
              (proxy, method, args) -> {
                if (method.getName().equals("handle")) {
                  onInterrupt.run();
                  return null;
                }
                if (method.getName().equals("equals")) {
                  return proxy == args[0];
                }
                if (method.getName().equals("hashCode")) {
                  return System.identityHashCode(proxy);
                }
                return "hoop-interrupt-handler";
              });
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      Object previous = handle.invoke(null, signal, handler);
      return new Interrupts(signal, previous);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, previous);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // The process is ending anyway; the previous handler only matters inside a longer-lived JVM.
    }
  }
}
