// The control API at /__emulator/* so tests in another process (the real editor) can script the emulator: faults on
// any of its servers, the masked request log, token expiry, Workbench rotation, OAuth auto-approve and custom OAuth
// integrations, the clock.
import { sendJson, type EmulatorServer, type Fault } from './server';
import type { EmulatorState } from './state';
import type { WorkbenchTokens } from './workbench';
import { createCustomIntegration, type CustomIntegration } from './oauthIntegrations';

export type ServerName = 'snowflake' | 'ingress' | 'connect';

export interface ControlTarget {
  readonly state: EmulatorState;
  readonly servers: Readonly<Record<ServerName, EmulatorServer>>;
  readonly workbench: WorkbenchTokens;
  info(): Record<string, unknown>;
}

function pick(t: ControlTarget, name: string | null | undefined): EmulatorServer[] {
  if (!name) return Object.values(t.servers);
  const s = t.servers[name as ServerName];
  if (!s) throw new Error(`Unknown server '${name}': use snowflake, ingress or connect`);
  return [s];
}

export function registerControl(server: EmulatorServer, t: ControlTarget): void {
  const body = (raw: () => unknown): Record<string, any> => {
    try {
      return (raw() as Record<string, any>) ?? {};
    } catch {
      return {};
    }
  };
  server.route('GET', '/__emulator/info', (_req, res) => sendJson(res, 200, t.info()));

  server.route('POST', '/__emulator/faults', (req, res) => {
    const { server: name, ...fault } = body(req.json);
    if (typeof fault.route !== 'string')
      return sendJson(res, 400, {
        message: 'A fault needs a route, e.g. "POST /session/v1/login-request" or "/api/v2/cortex/*".',
      });
    const targets = pick(t, name ?? 'snowflake');
    for (const s of targets) s.addFault({ ...(fault as Fault) });
    sendJson(res, 200, { ok: true, server: name ?? 'snowflake' });
  });
  server.route('DELETE', '/__emulator/faults', (req, res) => {
    for (const s of pick(t, req.url.searchParams.get('server'))) s.faults.splice(0);
    sendJson(res, 200, { ok: true });
  });
  server.route('GET', '/__emulator/faults', (req, res) => {
    sendJson(
      res,
      200,
      Object.fromEntries(pick(t, req.url.searchParams.get('server')).map((s) => [nameOf(t, s), s.faults])),
    );
  });

  server.route('GET', '/__emulator/requests', (req, res) => {
    const name = req.url.searchParams.get('server') ?? 'snowflake';
    const since = Number(req.url.searchParams.get('since') ?? 0);
    sendJson(
      res,
      200,
      pick(t, name)[0]!.log.filter((e) => e.at >= since),
    );
  });
  server.route('DELETE', '/__emulator/requests', (req, res) => {
    for (const s of pick(t, req.url.searchParams.get('server'))) s.log.splice(0);
    sendJson(res, 200, { ok: true });
  });

  server.route('POST', '/__emulator/workbench/rotate', (_req, res) => {
    try {
      t.workbench.rotate();
      sendJson(res, 200, { ok: true, rotations: t.workbench.rotations, file: t.workbench.file });
    } catch (e) {
      sendJson(res, 409, { message: (e as Error).message });
    }
  });
  server.route('POST', '/__emulator/tokens/expire', (req, res) => {
    t.state.expireAllTokens({ masters: body(req.json).masters === true });
    sendJson(res, 200, { ok: true });
  });
  server.route('POST', '/__emulator/oauth/auto-approve', (req, res) => {
    t.state.autoApprove = body(req.json).on !== false;
    sendJson(res, 200, { ok: true, autoApprove: t.state.autoApprove });
  });
  // An administrator's CREATE SECURITY INTEGRATION … OAUTH_CLIENT = CUSTOM: answers the client id and secret.
  server.route('POST', '/__emulator/oauth/integrations', (req, res) => {
    const b = body(req.json);
    try {
      sendJson(res, 200, createCustomIntegration(t.state, b as CustomIntegration));
    } catch (e) {
      sendJson(res, 400, { message: (e as Error).message });
    }
  });
  // What an administrator's ALTER USER … SET/UNSET RSA_PUBLIC_KEY[_2] does, for a test that needs a free slot.
  server.route('POST', '/__emulator/users/keys', (req, res) => {
    const { user, slot, publicKey } = body(req.json) as { user?: string; slot?: number; publicKey?: string };
    const u = t.state.user(user ?? '');
    if (!u || (slot !== 1 && slot !== 2))
      return sendJson(res, 400, { message: 'Give a known user and slot 1 (RSA_PUBLIC_KEY) or 2 (RSA_PUBLIC_KEY_2).' });
    const at = slot === 1 ? 0 : 1;
    const held = u.keySlots[at];
    if (publicKey) t.state.addPublicKey(u.name, publicKey, at);
    else if (held) t.state.removePublicKey(u.name, held);
    sendJson(res, 200, { ok: true, slot, fingerprint: u.keySlots[at] ?? null });
  });
  server.route('POST', '/__emulator/clock', (req, res) => {
    t.state.advanceClock(Number(body(req.json).advanceSeconds ?? 0));
    sendJson(res, 200, { ok: true, now: t.state.now() });
  });
}

function nameOf(t: ControlTarget, s: EmulatorServer): string {
  return Object.entries(t.servers).find(([, v]) => v === s)?.[0] ?? '?';
}
