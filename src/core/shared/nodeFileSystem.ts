// The real file system behind the pure resolvers.
import { promises as fsp } from 'node:fs';
import type { FileSystem } from '../auth/types';

export const nodeFileSystem: FileSystem = {
  readFile: (p) => fsp.readFile(p, 'utf8'),
  stat: async (p) => {
    try {
      return await fsp.stat(p);
    } catch {
      return undefined;
    }
  },
};
