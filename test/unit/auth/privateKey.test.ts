// Key formats, pasted keys, wrong kinds of keys, the fingerprint, and the key-pair JWT's claims (PROTOCOLS §3).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { decodePrivateKey, fingerprintOf, normalisePem } from '../../../src/core/auth/credentials/privateKey';
import { JWT_LIFETIME_SECONDS, mintKeyPairJwt } from '../../../src/core/auth/credentials/keyPairJwt';
import { jwtAccount } from '../../../src/core/connections/account';
import { SnowflakeExtError } from '../../../src/core/shared/errors';
import { compactVerify } from 'jose';

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const PKCS8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PKCS1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const PASS = crypto.randomBytes(9).toString('base64url');
const ENC8 = rsa.privateKey
  .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS })
  .toString();
const ENC1 = rsa.privateKey
  .export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASS })
  .toString();
const FP = `SHA256:${crypto
  .createHash('sha256')
  .update(rsa.publicKey.export({ type: 'spki', format: 'der' }))
  .digest('base64')}`;

function decodeJwt(token: string): { header: any; claims: any } {
  const [h, c] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h!, 'base64url').toString()),
    claims: JSON.parse(Buffer.from(c!, 'base64url').toString()),
  };
}

describe('private keys', () => {
  const accepted: [string, string, string | undefined, string][] = [
    ['PKCS#8', PKCS8, undefined, 'PKCS#8'],
    ['PKCS#1', PKCS1, undefined, 'PKCS#1'],
    ['encrypted PKCS#8', ENC8, PASS, 'encrypted PKCS#8'],
    ['encrypted PKCS#1', ENC1, PASS, 'encrypted PKCS#1'],
    ['pasted with literal \\n', PKCS8.replace(/\n/g, '\\n'), undefined, 'PKCS#8'],
    ['pasted with CRLF', PKCS8.replace(/\n/g, '\r\n'), undefined, 'PKCS#8'],
    ['squashed onto one line in quotes', `"${PKCS8.replace(/\n/g, ' ')}"`, undefined, 'PKCS#8'],
    ['encrypted, pasted with literal \\n', ENC8.replace(/\n/g, '\\n'), PASS, 'encrypted PKCS#8'],
  ];
  for (const [label, pem, pass, format] of accepted) {
    it(`decodes ${label} and gives the DESCRIBE USER fingerprint`, () => {
      const k = decodePrivateKey(pem, 'The private key k.p8', pass);
      assert.equal(k.format, format);
      assert.equal(k.fingerprint, FP);
      assert.equal(k.bits, 2048);
    });
  }

  it('normalisePem rebuilds 64-column lines', () => {
    const out = normalisePem(PKCS8.replace(/\n/g, '\\n'));
    assert.equal(out, PKCS8);
  });

  it('fingerprint of a private key equals that of its public key', () => {
    assert.equal(fingerprintOf(rsa.privateKey), fingerprintOf(rsa.publicKey));
  });

  const refused: [string, string, string | undefined, string][] = [
    [
      'a public key',
      rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      undefined,
      'The private key k.p8 holds a public key, not the private key.',
    ],
    [
      'a DSA key',
      crypto
        .generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 })
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString(),
      undefined,
      'The private key k.p8 is a DSA key; Snowflake key-pair authentication needs an RSA key.',
    ],
    [
      'an EC key',
      crypto
        .generateKeyPairSync('ec', { namedCurve: 'P-256' })
        .privateKey.export({ type: 'sec1', format: 'pem' })
        .toString(),
      undefined,
      'The private key k.p8 is an EC key; Snowflake key-pair authentication needs an RSA key.',
    ],
    [
      'not PEM',
      'hello',
      undefined,
      'The private key k.p8 is not a PEM private key (no "BEGIN PRIVATE KEY" header line).',
    ],
    [
      'an encrypted key without passphrase',
      ENC8,
      undefined,
      'The private key k.p8 is encrypted and no passphrase is set.',
    ],
    [
      'an encrypted key with an empty passphrase',
      ENC8,
      '',
      'The private key k.p8 is encrypted; an empty passphrase is not accepted.',
    ],
    ['a wrong passphrase', ENC8, 'wrong-one', 'The passphrase does not decrypt the private key k.p8.'],
    [
      'a damaged key',
      `${PKCS8.split('\n').slice(0, 8).join('\n')}\n-----END PRIVATE KEY-----\n`,
      undefined,
      'The private key k.p8 could not be decoded',
    ],
  ];
  for (const [label, pem, pass, message] of refused) {
    it(`refuses ${label} with a clear config error`, () => {
      assert.throws(
        () => decodePrivateKey(pem, 'The private key k.p8', pass),
        (err: unknown) => {
          assert.ok(err instanceof SnowflakeExtError);
          assert.equal(err.kind, 'config');
          assert.ok(err.message.startsWith(message), `${err.message} does not start with ${message}`);
          assert.ok(!err.message.includes(PASS) && !err.message.includes('wrong-one'));
          return true;
        },
      );
    });
  }
});

describe('mintKeyPairJwt', () => {
  it('RS256, upper-cased iss/sub with the fingerprint, seconds, 59 minutes', async () => {
    const now = 1_700_000_000_123;
    const jwt = await mintKeyPairJwt(rsa.privateKey, 'myorg-acct', 'ada', now);
    const { header, claims } = decodeJwt(jwt.token);
    assert.deepEqual(header, { alg: 'RS256', typ: 'JWT' });
    assert.equal(claims.sub, 'MYORG-ACCT.ADA');
    assert.equal(claims.iss, `MYORG-ACCT.ADA.${FP}`);
    assert.equal(claims.iat, 1_700_000_000);
    assert.equal(claims.exp - claims.iat, JWT_LIFETIME_SECONDS);
    assert.equal(JWT_LIFETIME_SECONDS, 3540);
    assert.equal(jwt.expiresAt, claims.exp * 1000);
    const [h, c, s] = jwt.token.split('.');
    assert.ok(crypto.verify('RSA-SHA256', Buffer.from(`${h}.${c}`), rsa.publicKey, Buffer.from(s!, 'base64url')));
  });

  // Every key format users have signs through jose; jose itself (not our code) checks each signature.
  for (const [format, pem, passphrase] of [
    ['PKCS#8', PKCS8, undefined],
    ['encrypted PKCS#8', ENC8, PASS],
    ['PKCS#1', PKCS1, undefined],
    ['encrypted PKCS#1', ENC1, PASS],
  ] as const) {
    it(`signs a JWT that jose verifies with the public key, from a key in ${format}`, async () => {
      const { key } = decodePrivateKey(pem, 'test key', passphrase);
      const jwt = await mintKeyPairJwt(key, 'myorg-acct', 'ada');
      const { protectedHeader } = await compactVerify(jwt.token, rsa.publicKey, { algorithms: ['RS256'] });
      assert.equal(protectedHeader.alg, 'RS256');
      const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
      await assert.rejects(compactVerify(jwt.token, other), /signature verification failed/);
    });
  }

  const accounts: [string, string][] = [
    ['xy12345.ap-southeast-2', 'XY12345'],
    ['xy12345.us-east-1.aws', 'XY12345'],
    ['myorg-myacct', 'MYORG-MYACCT'],
    ['myorg-myacct.privatelink', 'MYORG-MYACCT'],
    ['acct-12345.global', 'ACCT'],
  ];
  for (const [account, claim] of accounts) {
    it(`the JWT names account ${account} as ${claim}`, () => assert.equal(jwtAccount(account), claim));
  }
});
