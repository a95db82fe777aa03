package dev.qjs;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages one logger (and the loggers below it) logs while this is open, formatted as a
 * reader sees them.
 *
 * <pre>{@code
 * try (LoggedMessages log = LoggedMessages.of("dev.qjs.sourcemap")) {
 *   ...
 *   assertEquals(1, log.messages().size());
 * }
 * }</pre>
 */
public final class LoggedMessages implements AutoCloseable {
  private final Logger logger;
  private final List<String> messages = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      messages.add(r.getParameters() == null
          ? r.getMessage() : MessageFormat.format(r.getMessage(), r.getParameters()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LoggedMessages(String name) {
    this.logger = Logger.getLogger(name);
    logger.addHandler(capture);
  }

  /** Starts capturing what the named logger logs. */
  public static LoggedMessages of(String loggerName) {
    return new LoggedMessages(loggerName);
  }

  /** What was logged so far, in order. */
  public List<String> messages() {
    return List.copyOf(messages);
  }

  @Override
  public void close() {
    logger.removeHandler(capture);
  }
}
