// A logger that keeps its lines in memory, redacted as the output channel's are, so tests can assert what was logged.
import { redact, type Logger } from '../../src/core/shared/logger';

export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  trace(m: string): void {
    this.lines.push(`trace ${redact(m)}`);
  }
  debug(m: string): void {
    this.lines.push(`debug ${redact(m)}`);
  }
  info(m: string): void {
    this.lines.push(`info ${redact(m)}`);
  }
  warn(m: string): void {
    this.lines.push(`warn ${redact(m)}`);
  }
  error(m: string): void {
    this.lines.push(`error ${redact(m)}`);
  }
}
