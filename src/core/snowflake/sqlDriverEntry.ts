// The SQL driver's own chunk (dist/sqlDriver.js): loaded on first use, never during activation.
// Its side effects are switched off before the SDK is required.
process.env.SNOWFLAKE_DISABLE_PLATFORM_DETECTION ??= 'true';
process.env.SNOWFLAKE_DISABLE_MINICORE ??= '1';
process.env.SF_TELEMETRY_DISABLE_CONNECTION_SHAPE ??= '1';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdk = require('snowflake-sdk') as typeof import('snowflake-sdk');
export default sdk;
