// Starts the whole emulator: the Snowflake account server (login, queries, OAuth, SPCS token exchange, Cortex,
// control API), Posit Connect behind an emulated SPCS ingress, and a plain Connect; optionally a sandbox home.
import { createConnectState, registerConnect, type ConnectState } from './connect';
import { registerControl } from './control';
import { registerCortex } from './cortex';
import { registerLogin } from './login';
import { registerOAuth } from './oauth';
import { registerRevoke } from './oauthRevoke';
import { QueryEngine } from './queries';
import { writeSandboxHome, type SandboxHome } from './sandboxHome';
import { EmulatorServer } from './server';
import { CALLBACK_PATH, installIngress, registerSpcsTokenExchange } from './spcs';
import { EmulatorState } from './state';
import { WorkbenchTokens } from './workbench';

export { EmulatorState } from './state';
export { writeSandboxHome, type SandboxHome } from './sandboxHome';
export { signKeypairJwt, fingerprintOf, normaliseAccount } from './jwt';

export interface EmulatorOptions {
  /** Port of the Snowflake server (0 / undefined = any free port). */
  readonly port?: number;
  /** Write a sandbox Snowflake home into this directory. */
  readonly home?: string;
  readonly accessTokenTtlSeconds?: number;
  readonly sessionTtlSeconds?: number;
  /** Rotate the Workbench token every N seconds (undefined = only on request). */
  readonly workbenchRotateSeconds?: number;
  readonly workbenchGraceSeconds?: number;
}

export interface Emulator {
  readonly snowflakeUrl: string;
  /** The emulated Connect behind the SPCS ingress (needs a Snowflake token and the Connect API key). */
  readonly connectUrl: string;
  /** The same Connect without an ingress (API key only). */
  readonly plainConnectUrl: string;
  readonly connectApiKey: string;
  /** Host name an ingress token must be scoped to (`scope=<host>` in the token exchange). */
  readonly ingressHost: string;
  readonly state: EmulatorState;
  readonly connectState: ConnectState;
  /** What registerCortex returned (its scripted-answer controls). */
  readonly cortex: ReturnType<typeof registerCortex>;
  readonly queries: QueryEngine;
  readonly servers: {
    readonly snowflake: EmulatorServer;
    readonly ingress: EmulatorServer;
    readonly connect: EmulatorServer;
  };
  readonly workbench: WorkbenchTokens;
  home?: SandboxHome;
  rotateWorkbenchToken(): string;
  close(): Promise<void>;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const state = new EmulatorState({
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds,
    sessionTtlSeconds: opts.sessionTtlSeconds,
  });
  const snowflake = new EmulatorServer();
  const ingress = new EmulatorServer();
  const plain = new EmulatorServer();
  const queries = new QueryEngine(state);
  const workbench = new WorkbenchTokens(state, {
    rotateSeconds: opts.workbenchRotateSeconds,
    graceSeconds: opts.workbenchGraceSeconds,
  });
  const connectState = createConnectState();
  const apiKey = connectState.apiKey;
  connectState.oauth.mintSnowflakeToken = (user) => state.issueOAuthAccessToken(user);

  registerLogin(snowflake, state);
  queries.register(snowflake);
  registerOAuth(snowflake, state);
  registerRevoke(snowflake, state);
  registerSpcsTokenExchange(snowflake, state);
  const cortex = registerCortex(snowflake, state);
  registerConnect(plain, connectState);
  registerConnect(ingress, connectState, { behindIngress: true });

  const snowflakeUrl = await snowflake.listen(opts.port ?? 0);
  queries.results.setBaseUrl(snowflakeUrl);
  const connectUrl = await ingress.listen(0);
  const plainConnectUrl = await plain.listen(0);
  const ingressPort = new URL(connectUrl).port;
  const ingressHost = '127.0.0.1';
  installIngress(ingress, state, {
    hosts: new Set([ingressHost, `127.0.0.1:${ingressPort}`, 'localhost', `localhost:${ingressPort}`]),
    callbackUrl: `${connectUrl}${CALLBACK_PATH}`,
    loginUrl: (back) =>
      `${snowflakeUrl}/oauth/authorize?response_type=code&client_id=LOCAL_APPLICATION&redirect_uri=${encodeURIComponent(`${connectUrl}${CALLBACK_PATH}`)}&state=${encodeURIComponent(back)}`,
  });

  const emulator: Emulator = {
    snowflakeUrl,
    connectUrl,
    plainConnectUrl,
    connectApiKey: apiKey,
    ingressHost,
    state,
    connectState,
    cortex,
    queries,
    workbench,
    servers: { snowflake, ingress, connect: plain },
    rotateWorkbenchToken: () => workbench.rotate(),
    close: async () => {
      workbench.stop();
      queries.close();
      await Promise.all([snowflake.close(), ingress.close(), plain.close()]);
    },
  };
  registerControl(snowflake, {
    state,
    workbench,
    servers: emulator.servers,
    info: () => ({
      snowflake: snowflakeUrl,
      connect: connectUrl,
      plainConnect: plainConnectUrl,
      connectApiKey: apiKey,
      ingressHost,
      home: emulator.home?.home,
      workbenchHome: emulator.home?.workbenchHome,
      workbenchRotations: workbench.rotations,
      ...state.describe(),
    }),
  });
  if (opts.home) writeSandboxHome(opts.home, emulator);
  return emulator;
}
