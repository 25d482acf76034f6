// Watches the directories holding connection files and token files (Workbench rewrites its file by rename, so the
// directory is watched, not the file) and reports one debounced change per burst of events.
import fs from 'node:fs';
import type { Disposable } from '../shared/events';
import type { Logger } from '../shared/logger';

export const WATCH_DEBOUNCE_MS = 150;

export class DirectoryWatcher implements Disposable {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly onChange: () => void,
    private readonly logger: Logger,
    private readonly debounceMs = WATCH_DEBOUNCE_MS,
  ) {}

  /** Watches exactly these directories (missing ones are skipped), closing watchers of directories no longer listed. */
  watch(directories: Iterable<string>): void {
    const wanted = new Set(directories);
    for (const [dir, w] of this.watchers) {
      if (!wanted.has(dir)) {
        w.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.watchers.has(dir)) continue;
      try {
        const w = fs.watch(dir, { persistent: false }, () => this.schedule());
        w.on('error', () => {
          w.close();
          this.watchers.delete(dir);
        });
        this.watchers.set(dir, w);
      } catch (err) {
        this.logger.debug(`Not watching ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
  }

  get watched(): readonly string[] {
    return [...this.watchers.keys()];
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onChange();
    }, this.debounceMs);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
