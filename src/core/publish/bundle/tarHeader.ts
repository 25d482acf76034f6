// Encodes POSIX tar (ustar) headers, with a PAX extended header for names or sizes ustar cannot hold.
export const TAR_BLOCK = 512;

export interface TarEntry {
  /** POSIX path inside the archive; directories end with '/'. */
  readonly name: string;
  readonly size: number;
  readonly mode: number;
  /** Seconds since the epoch. */
  readonly mtime: number;
  readonly type: 'file' | 'directory';
}

const MAX_OCTAL_SIZE = 0o77777777777;
const textEncoder = new TextEncoder();

function writeString(buf: Buffer, offset: number, length: number, text: string): void {
  buf.write(text, offset, length, 'utf8');
}

function writeOctal(buf: Buffer, offset: number, length: number, value: number): void {
  // length - 1 digits, zero padded, then NUL (what GNU tar writes).
  const digits = Math.floor(value)
    .toString(8)
    .padStart(length - 1, '0');
  buf.write(digits, offset, length - 1, 'ascii');
  buf[offset + length - 1] = 0;
}

/** ustar splits a long path into prefix (≤155 bytes) + '/' + name (≤100 bytes). */
function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  if (!/^[\x20-\x7e]*$/.test(name)) return undefined;
  if (name.length <= 100) return { prefix: '', name };
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return { prefix, name: rest };
    if (prefix.length < 155) break;
  }
  return undefined;
}

function ustarHeader(
  out: Buffer,
  offset: number,
  e: { name: string; prefix: string; size: number; mode: number; mtime: number; typeflag: string },
): void {
  out.fill(0, offset, offset + TAR_BLOCK);
  writeString(out, offset, 100, e.name);
  writeOctal(out, offset + 100, 8, e.mode & 0o7777);
  writeOctal(out, offset + 108, 8, 0);
  writeOctal(out, offset + 116, 8, 0);
  writeOctal(out, offset + 124, 12, e.size);
  writeOctal(out, offset + 136, 12, Math.max(0, e.mtime));
  out.fill(0x20, offset + 148, offset + 156);
  out.write(e.typeflag, offset + 156, 1, 'ascii');
  out.write('ustar\u000000', offset + 257, 8, 'ascii');
  writeString(out, offset + 345, 155, e.prefix);
  let sum = 0;
  for (let i = offset; i < offset + TAR_BLOCK; i++) sum += out[i]!;
  const check = sum.toString(8).padStart(6, '0');
  out.write(check, offset + 148, 6, 'ascii');
  out[offset + 154] = 0;
  out[offset + 155] = 0x20;
}

/** One PAX record: "<len> key=value\n", where len counts the whole record including its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLen = textEncoder.encode(body).length;
  let len = bodyLen + String(bodyLen).length;
  if (String(len).length !== String(bodyLen).length) len = bodyLen + String(len).length;
  return `${len}${body}`;
}

/** Bytes that precede an entry's data: [PAX header + PAX data +] ustar header. Length is a multiple of 512. */
export function encodeHeader(entry: TarEntry): Buffer {
  const split = splitUstarName(entry.name);
  const typeflag = entry.type === 'directory' ? '5' : '0';
  const size = entry.type === 'directory' ? 0 : entry.size;
  if (split && size <= MAX_OCTAL_SIZE) {
    const out = Buffer.allocUnsafe(TAR_BLOCK);
    ustarHeader(out, 0, { ...split, size, mode: entry.mode, mtime: entry.mtime, typeflag });
    return out;
  }
  let pax = '';
  if (!split) pax += paxRecord('path', entry.name);
  if (size > MAX_OCTAL_SIZE) pax += paxRecord('size', String(size));
  const paxData = Buffer.from(pax, 'utf8');
  const paxBlocks = Math.ceil(paxData.length / TAR_BLOCK) * TAR_BLOCK;
  const out = Buffer.alloc(TAR_BLOCK * 2 + paxBlocks);
  const shortName = asciiFallback(entry.name);
  ustarHeader(out, 0, {
    name: `PaxHeaders/${shortName}`.slice(0, 99),
    prefix: '',
    size: paxData.length,
    mode: 0o644,
    mtime: entry.mtime,
    typeflag: 'x',
  });
  paxData.copy(out, TAR_BLOCK);
  ustarHeader(out, TAR_BLOCK + paxBlocks, {
    name: shortName.slice(-100),
    prefix: '',
    size: Math.min(size, MAX_OCTAL_SIZE),
    mode: entry.mode,
    mtime: entry.mtime,
    typeflag,
  });
  return out;
}

function asciiFallback(name: string): string {
  const base = name.replace(/\/$/, '').split('/').pop() ?? name;
  return base.replace(/[^\x20-\x7e]/g, '_') + (name.endsWith('/') ? '/' : '');
}

/** Zero bytes that pad `size` bytes of data up to a whole block. */
export function paddingFor(size: number): number {
  const rem = size % TAR_BLOCK;
  return rem === 0 ? 0 : TAR_BLOCK - rem;
}

/** Two zero blocks end the archive. */
export const END_OF_ARCHIVE_BYTES = TAR_BLOCK * 2;
