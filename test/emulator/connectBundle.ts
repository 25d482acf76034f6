// Reads a Connect bundle the way Connect does: gunzip (every member of a multi-member stream), parse the tar
// (ustar + PAX paths), then check manifest.json: known appmode, an entrypoint, and an MD5 for every file that matches.
import crypto from 'node:crypto';
import zlib from 'node:zlib';

export interface TarFile {
  readonly name: string;
  readonly type: 'file' | 'directory' | 'other';
  readonly mode: number;
  readonly mtime: number;
  readonly data: Buffer;
}

export const KNOWN_APP_MODES = new Set([
  'static',
  'jupyter-static',
  'jupyter-voila',
  'nodejs',
  'python-bokeh',
  'python-dash',
  'python-fastapi',
  'python-api',
  'python-shiny',
  'python-streamlit',
  'python-gradio',
  'python-panel',
  'quarto-static',
  'quarto-shiny',
  'api',
  'shiny',
  'rmd-static',
  'rmd-shiny',
]);

function text(buf: Buffer, start: number, length: number): string {
  const raw = buf.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8');
}

function octal(buf: Buffer, start: number, length: number): number {
  const t = text(buf, start, length).trim();
  return t ? parseInt(t, 8) : 0;
}

function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space < 0) break;
    const len = parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (!len) break;
    const record = data.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}

/** Parses an uncompressed tar; throws on a bad header checksum (what a corrupt upload looks like). */
export function readTar(tar: Buffer): TarFile[] {
  const files: TarFile[] = [];
  let at = 0;
  let pax: Record<string, string> = {};
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    if (sum !== octal(header, 148, 8)) throw new Error(`tar header checksum mismatch at offset ${at}`);
    const size = octal(header, 124, 12);
    const typeflag = String.fromCharCode(header[156] || 0x30);
    const prefix = text(header, 345, 155);
    const data = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (typeflag === 'x') {
      pax = paxRecords(data);
      continue;
    }
    const name = pax.path ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    const realSize = pax.size ? Number(pax.size) : size;
    pax = {};
    files.push({
      name: name.replace(/^\.\//, ''),
      type: typeflag === '0' || typeflag === '\0' ? 'file' : typeflag === '5' ? 'directory' : 'other',
      mode: octal(header, 100, 8),
      mtime: octal(header, 136, 12),
      data: data.subarray(0, realSize),
    });
  }
  return files;
}

export interface BundleCheck {
  readonly ok: boolean;
  readonly error?: string;
  readonly manifest?: any;
  readonly files: Map<string, Buffer>;
  /** How many gzip members the upload was made of. */
  readonly members: number;
}

/** Counts gzip members by walking them one by one (zlib stops at each member's end). */
function countMembers(gz: Buffer): number {
  let members = 0;
  let rest = gz;
  while (rest.length >= 18 && rest[0] === 0x1f && rest[1] === 0x8b) {
    members++;
    const inflate = zlib.inflateRawSync;
    // Find this member's end: gunzip just it, using the engine's reported bytes consumed.
    const flg = rest[3]!;
    let at = 10;
    if (flg & 4) at += 2 + rest.readUInt16LE(at);
    if (flg & 8) at = rest.indexOf(0, at) + 1;
    if (flg & 16) at = rest.indexOf(0, at) + 1;
    if (flg & 2) at += 2;
    const engine = (inflate as any)(rest.subarray(at), { info: true }) as { engine: { bytesWritten: number } };
    rest = rest.subarray(at + engine.engine.bytesWritten + 8);
  }
  return members;
}

/** Everything Connect would check before accepting a bundle. */
export function checkBundle(gz: Buffer): BundleCheck {
  const files = new Map<string, Buffer>();
  if (gz.length < 2 || gz[0] !== 0x1f || gz[1] !== 0x8b)
    return { ok: false, error: 'Bundle is not a gzip file.', files, members: 0 };
  let tar: Buffer;
  try {
    tar = zlib.gunzipSync(gz);
  } catch (err) {
    return { ok: false, error: `Bundle is not a valid gzip stream: ${(err as Error).message}`, files, members: 0 };
  }
  const members = countMembers(gz);
  let entries: TarFile[];
  try {
    entries = readTar(tar);
  } catch (err) {
    return { ok: false, error: `Bundle is not a valid tar archive: ${(err as Error).message}`, files, members };
  }
  for (const e of entries) if (e.type === 'file') files.set(e.name, e.data);
  const raw = files.get('manifest.json');
  if (!raw) return { ok: false, error: 'Bundle has no manifest.json.', files, members };
  let manifest: any;
  try {
    manifest = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, error: 'manifest.json is not valid JSON.', files, members };
  }
  const appmode = manifest?.metadata?.appmode;
  if (!KNOWN_APP_MODES.has(appmode))
    return { ok: false, error: `Unknown app mode '${String(appmode)}' in manifest.json.`, manifest, files, members };
  if (!manifest.metadata.entrypoint && appmode !== 'static')
    return { ok: false, error: 'manifest.json names no entrypoint.', manifest, files, members };
  for (const [name, info] of Object.entries<any>(manifest.files ?? {})) {
    const data = files.get(name);
    if (!data)
      return {
        ok: false,
        error: `manifest.json lists '${name}', which is not in the bundle.`,
        manifest,
        files,
        members,
      };
    const md5 = crypto.createHash('md5').update(data).digest('hex');
    if (md5 !== info?.checksum)
      return {
        ok: false,
        error: `Checksum mismatch for '${name}': manifest says ${String(info?.checksum)}, file is ${md5}.`,
        manifest,
        files,
        members,
      };
  }
  return { ok: true, manifest, files, members };
}
