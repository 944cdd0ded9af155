package io.hoop.engine.kubernetes.request;

/**
 * A request hoop refuses to interpret: the API server might read it another way than hoop's rules
 * would (encoded slashes, dot segments, conflicting parameters), so it is refused, never guessed.
 */
public final class KubeRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  public KubeRequestException(String message) {
    super(message);
  }
}
