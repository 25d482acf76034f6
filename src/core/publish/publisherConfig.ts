// Posit Publisher's configuration files, `.posit/publish/<name>.toml`, in its configuration schema v3
// (posit-dev/publisher extensions/vscode/src/toml/schemas/posit-publishing-schema-v3.json). Publisher loads the
// configuration a record names before every redeploy, so we write one when there is none, and when there is one we
// deploy what it says (type, entrypoint, files, Python/R/Quarto, environment, secret names, integration requests).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import { SnowflakeExtError } from '../shared/errors';
import { parseIgnoreFile } from './bundle/exclusions';
import type { AppMode } from './types';

// smol-toml ships ESM types only; its CommonJS build is what the bundle and tsx load.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse, stringify } = require('smol-toml') as typeof SmolToml;

export const CONFIG_SCHEMA = 'https://cdn.posit.co/publisher/schemas/posit-publishing-schema-v3.json';
export const PUBLISH_DIR = path.join('.posit', 'publish');

/** One `[[integration_requests]]` entry (schema v3: guid, name, description, auth_type, type, config; nothing else). */
export interface IntegrationRequest {
  readonly guid?: string;
  readonly name?: string;
  readonly description?: string;
  readonly auth_type?: string;
  readonly type?: string;
  readonly config?: Readonly<Record<string, unknown>>;
}

export interface PublisherConfiguration {
  readonly $schema: string;
  readonly type: string;
  readonly entrypoint: string;
  readonly product_type?: string;
  readonly title?: string;
  readonly description?: string;
  readonly validate?: boolean;
  readonly files?: readonly string[];
  readonly python?: {
    readonly version?: string;
    readonly package_file?: string;
    readonly package_manager?: string;
    readonly requires_python?: string;
  };
  readonly r?: {
    readonly version?: string;
    readonly package_file?: string;
    readonly package_manager?: string;
    readonly requires_r?: string;
  };
  readonly quarto?: { readonly version: string; readonly engines?: readonly string[] };
  readonly environment?: Readonly<Record<string, string>>;
  readonly secrets?: readonly string[];
  readonly integration_requests?: readonly IntegrationRequest[];
  readonly [key: string]: unknown;
}

/** Publisher's content `type` for each app mode (the enum of both v3 schemas; bundler/appMode.ts maps them back). */
const PUBLISHER_TYPES: Readonly<Record<AppMode, string>> = {
  static: 'html',
  'jupyter-static': 'jupyter-notebook',
  'jupyter-voila': 'jupyter-voila',
  nodejs: 'nodejs',
  'python-bokeh': 'python-bokeh',
  'python-dash': 'python-dash',
  'python-fastapi': 'python-fastapi',
  'python-api': 'python-flask',
  'python-shiny': 'python-shiny',
  'python-streamlit': 'python-streamlit',
  'python-gradio': 'python-gradio',
  'python-panel': 'python-panel',
  'quarto-static': 'quarto-static',
  'quarto-shiny': 'quarto-shiny',
  api: 'r-plumber',
  shiny: 'r-shiny',
  'rmd-static': 'rmd',
  'rmd-shiny': 'rmd-shiny',
};

export function publisherType(mode: AppMode): string {
  return PUBLISHER_TYPES[mode];
}

/** The app mode a Publisher `type` stands for ('quarto' is the older spelling of 'quarto-static'). */
export function appModeOfPublisherType(type: unknown): AppMode | undefined {
  if (type === 'quarto') return 'quarto-static';
  return (Object.keys(PUBLISHER_TYPES) as AppMode[]).find((m) => PUBLISHER_TYPES[m] === type);
}

export function configurationPath(dir: string, name: string): string {
  return path.join(dir, PUBLISH_DIR, `${name}.toml`);
}

/** The configuration `name`, or undefined when the project has none by that name. Raises when it cannot be used. */
export async function readConfiguration(dir: string, name: string): Promise<PublisherConfiguration | undefined> {
  const file = configurationPath(dir, name);
  const text = await fs.promises.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  const fix = { text: `Fix ${path.join(PUBLISH_DIR, `${name}.toml`)} (or delete it to have it written again).` };
  let cfg: Record<string, unknown>;
  try {
    cfg = parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new SnowflakeExtError(
      'config',
      `The configuration ${file} is not valid TOML: ${(err as Error).message}`,
      fix,
    );
  }
  if (typeof cfg.type !== 'string' || typeof cfg.entrypoint !== 'string')
    throw new SnowflakeExtError('config', `The configuration ${file} lacks its 'type' or 'entrypoint'.`, fix);
  if (cfg.type !== 'unknown' && !appModeOfPublisherType(cfg.type))
    throw new SnowflakeExtError('config', `The configuration ${file} names an unknown type '${cfg.type}'.`, fix);
  return cfg as PublisherConfiguration;
}

/** Leaves out what TOML cannot hold (undefined) and empty tables Publisher would not write. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
  return out;
}

export function configurationToml(cfg: PublisherConfiguration): string {
  return `# Configuration written by posit-snowflake, in Posit Publisher's format; either tool deploys with it.\n${stringify(clean(cfg) as Record<string, unknown>)}\n`;
}

/** Writes a file so that a reader sees the old text or the new, never half of either. */
export async function writeFileAtomic(target: string, text: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(target), { recursive: true });
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${crypto.randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await fs.promises.writeFile(temp, text, { mode: 0o644 });
    await fs.promises.rename(temp, target);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
}

export async function writeConfiguration(dir: string, name: string, cfg: PublisherConfiguration): Promise<string> {
  const target = configurationPath(dir, name);
  await writeFileAtomic(target, configurationToml(cfg));
  return target;
}

/** A new configuration name as Publisher makes one (utils/names.ts): the title, made file-safe, and 4 base-32 chars. */
export function newConfigurationName(dir: string, title: string): string {
  const base =
    title
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 30) || 'configuration';
  for (;;) {
    const ending = Array.from(crypto.randomBytes(4), (b) => (b % 32).toString(32).toUpperCase()).join('');
    const name = `${base}-${ending}`;
    if (!fs.existsSync(configurationPath(dir, name))) return name;
  }
}

/**
 * The `files` list of a configuration we write: everything (`/**`), less what `.positignore` leaves out, each of its
 * lines turned round (`x` → `!x`, `!x` → `x`). Publisher then bundles what we bundle, and files added later are
 * bundled by both tools without editing the list.
 */
export function filesFromIgnore(ignoreText: string | undefined): string[] {
  const out = ['/**'];
  for (const raw of (ignoreText ?? '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    out.push(line.startsWith('!') ? line.slice(1) : `!${line}`);
  }
  return out;
}

/**
 * The configuration's `files` list as a test over project paths, as Publisher's bundler/collect.ts reads it:
 * gitignore-syntax patterns that include, `!` ones that exclude, the last match deciding; a directory that matches
 * brings everything under it.
 */
export function filesMatcher(files: readonly string[]): (rel: string, isDirectory: boolean) => boolean {
  const rules = parseIgnoreFile(files.join('\n'));
  return (rel, isDirectory) => {
    let included = false;
    const parts = rel.split('/');
    for (const rule of rules) {
      for (let i = 1; i < parts.length; i++) if (rule.regex.test(parts.slice(0, i).join('/'))) included = !rule.negate;
      if (rule.dirOnly && !isDirectory) continue;
      if (rule.regex.test(rel)) included = !rule.negate;
    }
    return included;
  };
}
