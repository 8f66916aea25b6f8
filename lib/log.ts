/**
 * The console's one logger: JSON lines on stdout/stderr ({"level","msg",...fields,"time"}), which
 * Azure's log stream and any collector can parse. Never log secrets or tokens.
 */
type Fields = Record<string, unknown>;
export type LogLevel = "info" | "warn" | "error";
export type LogWriter = (level: LogLevel, msg: string, fields?: Fields) => void;

export const writeLog: LogWriter = (level, msg, fields = {}) => {
  const line = JSON.stringify({ level, msg, ...fields, time: new Date().toISOString() });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
};

export const log = {
  info: (msg: string, fields?: Fields) => writeLog("info", msg, fields),
  warn: (msg: string, fields?: Fields) => writeLog("warn", msg, fields),
  error: (msg: string, fields?: Fields) => writeLog("error", msg, fields),
};
