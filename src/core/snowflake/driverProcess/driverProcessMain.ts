// The SQL driver process (dist/sqlDriverProcess.js): snowflake-sdk behind the pipe of protocol.ts. Its log goes to the
// extension host (which redacts it again); when the host lets go of the pipe it logs its sessions out and exits.
import type { Logger } from '../../shared/logger';
import { createSnowflakeSdkDriver } from '../snowflakeSdkDriver';
import type { FromDriver, LogLevel, ToDriver } from './protocol';
import { serveDriver } from './driverServer';

const send = (message: FromDriver): void => {
  if (process.connected) process.send?.(message);
};
const level =
  (log: LogLevel) =>
  (message: string): void =>
    send({ log, message });
const logger: Logger = {
  trace: level('trace'),
  debug: level('debug'),
  info: level('info'),
  warn: level('warn'),
  error: level('error'),
};

const served = serveDriver(createSnowflakeSdkDriver(logger), {
  send,
  onMessage: (listener) => process.on('message', (m) => listener(m as ToDriver)),
});
process.on('disconnect', () => {
  // Log out of Snowflake (a session left open lingers there until it times out), at most a few seconds.
  const done = (): never => process.exit(0);
  setTimeout(done, 5000).unref();
  served.closeAll().then(done, done);
});
