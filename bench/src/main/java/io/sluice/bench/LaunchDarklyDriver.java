package io.sluice.bench;

import com.launchdarkly.eventsource.EventParserAccess;
import com.launchdarkly.eventsource.StreamException;
import java.io.ByteArrayInputStream;
import org.openjdk.jmh.infra.Blackhole;

/** Reads the stream with LaunchDarkly okhttp-eventsource's parser, over an InputStream. */
final class LaunchDarklyDriver {

  private final byte[] stream;

  LaunchDarklyDriver(byte[] stream) {
    this.stream = stream;
  }

  long read(Blackhole blackhole) throws StreamException {
    return EventParserAccess.readAll(new ByteArrayInputStream(stream), blackhole::consume);
  }
}
