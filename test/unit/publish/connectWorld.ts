// The emulated Snowflake + Connect the publish tests deploy to, started once per suite, and a publish request to its
// plain Connect that records the events it reports.
import type { RuntimeProbe } from '../../../src/core/publish/content/runtimeVersions';
import { fixedRuntimeProbe } from '../../support/fixedRuntimeProbe';
import type { PublishRequest } from '../../../src/core/publish/publishPipeline';
import type { PublishEvent } from '../../../src/core/publish/types';
import type { ConnectState } from '../../emulator/connect';
import { startAuthWorld, type AuthWorld } from '../auth/authHarness';
import { makeTempDir, removeProjects } from './projectFixture';

export interface ConnectWorld {
  readonly w: AuthWorld;
  readonly connect: ConnectState;
  request(dir: string, extra?: Partial<PublishRequest>): PublishRequest & { events: PublishEvent[] };
}

/** Registers the suite's before/after hooks; the world's fields are there once `before` ran. */
export function useConnectWorld(probe: RuntimeProbe = fixedRuntimeProbe({ python: '3.11.9' })): ConnectWorld {
  let w: AuthWorld | undefined;
  before(async () => {
    w = await startAuthWorld();
  });
  after(async () => {
    await w?.close();
    removeProjects();
  });
  return {
    get w() {
      return w!;
    },
    get connect() {
      return w!.emu.connectState as ConnectState;
    },
    request(dir, extra = {}) {
      const events: PublishEvent[] = [];
      return {
        dir,
        server: { url: w!.emu.plainConnectUrl },
        apiKey: w!.emu.connectApiKey,
        probe,
        tempDir: makeTempDir(),
        backoffMs: 1,
        onEvent: (e) => events.push(e),
        events,
        ...extra,
      };
    },
  };
}
