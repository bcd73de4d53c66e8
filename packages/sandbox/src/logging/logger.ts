/**
 * Where the sandbox writes its log lines. Fields never carry secrets (tokens, secret keys,
 * webhook secrets, JWTs): callers log ids and prefixes only.
 */
export interface SandboxLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Drops everything (the default of `startSandbox`, so tests stay quiet). */
export const silentLogger: SandboxLogger = {
  info() {},
  warn() {},
  error() {},
};

/**
 * One line per entry on stdout / stderr: the message then `key=value` pairs.
 *
 * @example
 * consoleLogger.info('request', { method: 'GET', status: 200 });
 * // request method=GET status=200
 */
export const consoleLogger: SandboxLogger = {
  info: (message, fields) => console.log(formatLine(message, fields)),
  warn: (message, fields) => console.warn(formatLine(message, fields)),
  error: (message, fields) => console.error(formatLine(message, fields)),
};

function formatLine(message: string, fields?: Record<string, unknown>): string {
  if (!fields) return message;
  const parts = Object.entries(fields).map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return `${key}=${text}`;
  });
  return [message, ...parts].join(' ');
}
