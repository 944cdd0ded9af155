package io.hoop.broker.http;

/** Handles one matched request. Runs on a worker thread, never on the event loop. */
@FunctionalInterface
public interface Route {
  ApiResponse handle(ApiRequest request) throws Exception;
}
