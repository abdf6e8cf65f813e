/**
 * One JSON object per line: CloudWatch Logs Insights can filter and count by field
 * (`filter level = "warn" | stats count() by reason`). Never log document bodies
 * beyond a short excerpt, and never credentials.
 */

export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const write = (level: string, message: string, fields: LogFields = {}) =>
  console.log(JSON.stringify({ level, message, ...fields }));

export const jsonLogger: Logger = {
  info: (m, f) => write('info', m, f),
  warn: (m, f) => write('warn', m, f),
  error: (m, f) => write('error', m, f),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
