package io.sluice.langchain4j.internal;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import io.sluice.client.ApiException;
import io.sluice.client.ClientException;
import io.sluice.client.StreamTimeoutException;
import io.sluice.core.event.Failed;

/**
 * sluice failures as the LangChain4j exceptions an application already catches, with the sluice
 * exception as the cause. sluice has retried by then (before the first event), so these are final.
 */
public final class Failures {

  private Failures() {}

  /** A call that failed before its stream started. */
  public static LangChain4jException of(ClientException e) {
    if (e instanceof StreamTimeoutException) {
      return new TimeoutException(e.getMessage(), e);
    }
    if (e instanceof ApiException api) {
      int status = api.status();
      if (status == 401 || status == 403) {
        return new AuthenticationException(e.getMessage(), e);
      }
      if (status == 404) {
        return new ModelNotFoundException(e.getMessage(), e);
      }
      if (status == 429) {
        return new RateLimitException(e.getMessage(), e);
      }
      if (status >= 500) {
        return new InternalServerException(e.getMessage(), e);
      }
      if (status >= 400) {
        return new InvalidRequestException(e.getMessage(), e);
      }
    }
    return e.retryable() ? new RetriableException(e.getMessage(), e)
        : new NonRetriableException(e.getMessage(), e);
  }

  /** A stream that failed after it started: cut off, stalled, malformed, or an error event. */
  public static LangChain4jException of(Failed failed) {
    String message = "the stream failed (" + failed.type()
        + (failed.code().isEmpty() ? "" : ", " + failed.code()) + "): " + failed.message();
    if (Failed.TIMEOUT.equals(failed.type())) {
      return new TimeoutException(message);
    }
    if (failed.httpStatus() == 429) {
      return new RateLimitException(message);
    }
    return failed.retryable() ? new RetriableException(message)
        : new NonRetriableException(message);
  }
}
