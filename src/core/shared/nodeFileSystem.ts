// The real file system behind the pure resolvers.
import { constants, promises as fsp } from 'node:fs';
import type { FileSystem } from '../auth/types';

function fail(code: string, message: string): never {
  throw Object.assign(new Error(message), { code });
}

/**
 * Reads at most `maxBytes` of a regular file. O_NONBLOCK keeps a named pipe from holding the open; the type is
 * checked on the open descriptor, so a file swapped after a stat is still caught; a device that never ends
 * (/dev/zero) or a file that grows is cut at one byte past the limit and refused.
 */
async function readCapped(p: string, maxBytes: number): Promise<string> {
  const fh = await fsp.open(p, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await fh.stat();
    if (!st.isFile()) fail('ENOTREG', `not a regular file: '${p}'`);
    if (st.size > maxBytes) fail('EFBIG', `larger than ${maxBytes} bytes: '${p}'`);
    const buf = Buffer.alloc(maxBytes + 1);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got > maxBytes) fail('EFBIG', `larger than ${maxBytes} bytes: '${p}'`);
    return buf.subarray(0, got).toString('utf8');
  } finally {
    await fh.close();
  }
}

export const nodeFileSystem: FileSystem = {
  readFile: (p, opts) => (opts?.maxBytes !== undefined ? readCapped(p, opts.maxBytes) : fsp.readFile(p, 'utf8')),
  stat: async (p) => {
    try {
      return await fsp.stat(p);
    } catch {
      return undefined;
    }
  },
  statError: async (p) => {
    try {
      await fsp.stat(p);
      return undefined;
    } catch (err) {
      return (err as { code?: string }).code ?? 'EUNKNOWN';
    }
  },
};
