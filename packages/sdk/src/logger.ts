/** Where the SDK writes diagnostics. Pass `console` to see them; silent by default. */
export interface Logger {
  debug(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

const noop = (): void => undefined;

/** The default logger: discards everything. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
