// Token costs: a cached forRest() call (what every Cortex request and tree load pays) against the bare cost of an
// awaited async call, and minting a fresh key-pair JWT against a bare node:crypto RS256 signature of the same payload.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAuthService } from '../../src/core/auth/authService';
import { mintKeyPairJwt } from '../../src/core/auth/credentials/keyPairJwt';
import { nodeFileSystem } from '../../src/core/shared/nodeFileSystem';
import { MemorySecretStorage, SecretStore } from '../../src/core/auth/secretStore';
import { nullLogger } from '../../src/core/shared/logger';
import { printResults, type BenchResult } from './types';

const CALLS = 20_000;
const SIGNS = 400;

function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function timeEach(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return out;
}

/** Mean ms per call; each call is awaited, so a synchronous baseline and an async one are timed alike. */
async function timeTotal(n: number, fn: () => unknown): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

async function cachedForRest(): Promise<BenchResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'posit-sf-bench-tokens-'));
  try {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = path.join(dir, 'rsa_key.p8');
    fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fs.writeFileSync(
      path.join(dir, 'connections.toml'),
      `[bench]\naccount = "myorg-acct"\nuser = "ada"\nprivate_key_file = "${keyFile}"\n`,
      { mode: 0o600 },
    );
    const auth = createAuthService({
      host: {
        env: { SNOWFLAKE_HOME: dir },
        homedir: dir,
        platform: process.platform,
        uid: process.getuid?.(),
        fs: nodeFileSystem,
      },
      secrets: new SecretStore(new MemorySecretStorage()),
      logger: nullLogger,
    });
    const profile = await auth.getConnection('bench');
    await auth.forRest(profile); // mints once
    const cached = { headers: { Authorization: 'Bearer x' }, expiresAt: Date.now() + 3_600_000 };
    const bare = async (): Promise<typeof cached> => cached;
    // Warm both paths, then interleave in blocks so drift hits both alike.
    await timeEach(2_000, () => auth.forRest(profile));
    await timeEach(2_000, bare);
    const ours: number[] = [];
    const base: number[] = [];
    for (let block = 0; block < 10; block++) {
      ours.push(...(await timeEach(CALLS / 10, () => auth.forRest(profile))));
      base.push(...(await timeEach(CALLS / 10, bare)));
    }
    auth.dispose();
    const p50 = percentile(ours, 50);
    const b50 = percentile(base, 50);
    return {
      name: 'tokens: cached forRest() p50',
      value: p50,
      unit: 'µs',
      baseline: b50,
      baselineName: 'an awaited async call',
      ratio: p50 / b50,
      target: 'p50 < 20 µs',
      met: p50 < 20,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function freshJwt(): Promise<BenchResult> {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const sample = await mintKeyPairJwt(privateKey, 'myorg-acct', 'ada');
  const signingInput = sample.token.split('.').slice(0, 2).join('.');
  const bare = (): Buffer => crypto.sign('RSA-SHA256', Buffer.from(signingInput), privateKey);
  const ours = (): unknown => mintKeyPairJwt(privateKey, 'myorg-acct', 'ada');
  await timeTotal(50, bare);
  await timeTotal(50, ours);
  let o = 0;
  let b = 0;
  for (let round = 0; round < 4; round++) {
    o += await timeTotal(SIGNS / 4, ours);
    b += await timeTotal(SIGNS / 4, bare);
  }
  return {
    name: 'tokens: fresh key-pair JWT (claims, encoding, RS256)',
    value: o / 4,
    unit: 'ms',
    baseline: b / 4,
    baselineName: 'bare RS256 sign',
    ratio: o / b,
    target: '≤ 1.3×',
    met: o / b <= 1.3,
  };
}

export async function run(): Promise<BenchResult[]> {
  return [await cachedForRest(), await freshJwt()];
}

if (require.main === module) void run().then(printResults);
