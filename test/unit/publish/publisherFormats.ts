// Our own checks of Posit Publisher's file formats, written from its JSON schemas (posit-dev/publisher v2.11,
// extensions/vscode/src/toml/schemas/posit-publishing-record-schema-v3.json and posit-publishing-schema-v3.json) and
// from what its loader does before a redeploy (toml/deploymentLoader.ts, toml/configLoader.ts: parse the record,
// validate it, then load `.posit/publish/<configuration_name>.toml` and validate that; a missing configuration is
// "configuration <name> not found"). Each check returns the problems it found, so a failure says which rule broke.
import fs from 'node:fs';
import path from 'node:path';
import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };

// smol-toml ships ESM types only; its CommonJS build is what tsx loads.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse } = require('smol-toml') as typeof SmolToml;

type Obj = Record<string, unknown>;

export function readToml(file: string): Obj {
  return parse(fs.readFileSync(file, 'utf8')) as Obj;
}

/** Record schema: `additionalProperties: false` over these properties. */
const RECORD_KEYS = new Set([
  '$schema',
  'server_url',
  'server_type',
  'id',
  'client_version',
  'type',
  'created_at',
  'dismissed_at',
  'deployed_at',
  'configuration_name',
  'bundle_id',
  'bundle_url',
  'dashboard_url',
  'direct_url',
  'logs_url',
  'deployment_error',
  'configuration',
  'requirements',
  'renv',
  'files',
  'connect_cloud',
]);
/** The types whose configuration must have [python], [r], [quarto] (the configuration schema's allOf rules). */
const PYTHON_TYPES = [
  'jupyter-notebook',
  'jupyter-voila',
  'python-bokeh',
  'python-dash',
  'python-fastapi',
  'python-flask',
  'python-gradio',
  'python-panel',
  'python-shiny',
  'python-streamlit',
];
const R_TYPES = ['r-plumber', 'r-shiny', 'rmd-shiny', 'rmd'];
const QUARTO_TYPES = ['quarto-shiny', 'quarto', 'quarto-static'];
/** Both schemas' `type` enum (the record's also allows ''). */
export const PUBLISHER_TYPES = new Set(['html', 'nodejs', ...PYTHON_TYPES, ...QUARTO_TYPES, ...R_TYPES, 'unknown']);
/** Configuration schema: top-level `unevaluatedProperties: false` over these (base plus config_connect). */
const CONFIG_KEYS = new Set([
  'product_type',
  'comments',
  '$schema',
  'type',
  'entrypoint',
  'source',
  'title',
  'description',
  'validate',
  'files',
  'python',
  'r',
  'environment',
  'secrets',
  'integration_requests',
  'connect',
  'has_parameters',
  'jupyter',
  'quarto',
]);
/** config_connect's python and r objects: `additionalProperties: false`. */
const PYTHON_KEYS = new Set(['version', 'package_file', 'package_manager', 'requires_python']);
const R_KEYS = new Set(['version', 'package_file', 'package_manager', 'requires_r', 'packages_from_library']);
const REQUEST_KEYS = new Set(['guid', 'name', 'description', 'auth_type', 'type', 'config']);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Obj, allowed: Set<string>, where: string): string[] {
  return Object.keys(obj)
    .filter((k) => !allowed.has(k))
    .map((k) => `${where}: '${k}' is not allowed`);
}

function stringList(v: unknown, where: string): string[] {
  if (v === undefined) return [];
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? [] : [`${where} must be a list of strings`];
}

export function checkPublisherConfiguration(cfg: unknown, where = 'configuration'): string[] {
  if (!isObj(cfg)) return [`${where} is not a table`];
  const p: string[] = [];
  for (const k of ['$schema', 'type', 'entrypoint'])
    if (typeof cfg[k] !== 'string') p.push(`${where}.${k} is required`);
  if (cfg.$schema !== 'https://cdn.posit.co/publisher/schemas/posit-publishing-schema-v3.json')
    p.push(`${where}.$schema is not the v3 configuration schema`);
  const product = cfg.product_type ?? 'connect';
  if (!['connect', 'snowflake', 'connect_cloud'].includes(String(product))) p.push(`${where}.product_type ${product}`);
  p.push(...unknownKeys(cfg, CONFIG_KEYS, where));
  const type = String(cfg.type);
  if (!PUBLISHER_TYPES.has(type)) p.push(`${where}.type '${type}' is not in the enum`);
  if (PYTHON_TYPES.includes(type) && !isObj(cfg.python)) p.push(`${where}: type ${type} requires [python]`);
  if (R_TYPES.includes(type) && !isObj(cfg.r)) p.push(`${where}: type ${type} requires [r]`);
  const connect = product === 'connect';
  if (connect && QUARTO_TYPES.includes(type) && !isObj(cfg.quarto)) p.push(`${where}: type ${type} requires [quarto]`);
  if (isObj(cfg.python) && connect) p.push(...unknownKeys(cfg.python, PYTHON_KEYS, `${where}.python`));
  if (isObj(cfg.r) && connect) p.push(...unknownKeys(cfg.r, R_KEYS, `${where}.r`));
  if (isObj(cfg.quarto) && typeof cfg.quarto.version !== 'string') p.push(`${where}.quarto.version is required`);
  if (cfg.title !== undefined && !/^[^\t\n\f\r]{3,1000}$|^$/.test(String(cfg.title)))
    p.push(`${where}.title must be one line of 3-1000 characters`);
  p.push(...stringList(cfg.files, `${where}.files`), ...stringList(cfg.secrets, `${where}.secrets`));
  if (cfg.environment !== undefined) {
    if (!isObj(cfg.environment) || !Object.values(cfg.environment).every((v) => typeof v === 'string'))
      p.push(`${where}.environment values must be strings`);
  }
  if (cfg.integration_requests !== undefined) {
    if (!Array.isArray(cfg.integration_requests)) p.push(`${where}.integration_requests must be a list`);
    else
      cfg.integration_requests.forEach((r, i) => {
        if (!isObj(r)) p.push(`${where}.integration_requests[${i}] is not a table`);
        else p.push(...unknownKeys(r, REQUEST_KEYS, `${where}.integration_requests[${i}]`));
      });
  }
  return p;
}

export function checkPublisherRecord(rec: unknown): string[] {
  if (!isObj(rec)) return ['record is not a table'];
  const p = unknownKeys(rec, RECORD_KEYS, 'record');
  if (rec.$schema !== 'https://cdn.posit.co/publisher/schemas/posit-publishing-record-schema-v3.json')
    p.push('record.$schema is not the v3 record schema');
  if (typeof rec.server_url !== 'string') p.push('record.server_url is required');
  if (rec.server_type !== undefined && !['connect', 'snowflake', 'connect_cloud'].includes(String(rec.server_type)))
    p.push(`record.server_type '${String(rec.server_type)}' is not in the enum`);
  if (rec.type !== undefined && rec.type !== '' && !PUBLISHER_TYPES.has(String(rec.type)))
    p.push(`record.type '${String(rec.type)}' is not in the enum`);
  for (const k of ['created_at', 'deployed_at'])
    if (rec[k] !== undefined && !DATE_TIME.test(String(rec[k]))) p.push(`record.${k} is not a date-time`);
  if (rec.dismissed_at !== undefined && rec.dismissed_at !== '' && !DATE_TIME.test(String(rec.dismissed_at)))
    p.push('record.dismissed_at is not a date-time');
  for (const k of ['id', 'client_version', 'configuration_name', 'bundle_id', 'bundle_url', 'dashboard_url'])
    if (rec[k] !== undefined && typeof rec[k] !== 'string') p.push(`record.${k} must be a string`);
  if (rec.deployment_error !== undefined && !isObj(rec.deployment_error)) p.push('record.deployment_error');
  p.push(...stringList(rec.files, 'record.files'), ...stringList(rec.requirements, 'record.requirements'));
  if (rec.configuration !== undefined)
    p.push(...checkPublisherConfiguration(rec.configuration, 'record.configuration'));
  return p;
}

/** What Publisher does before a redeploy: the record, then the configuration it names; both must pass. */
export function loadLikePublisher(dir: string, recordName: string): { record: Obj; configuration: Obj } {
  const record = readToml(path.join(dir, '.posit', 'publish', 'deployments', `${recordName}.toml`));
  const problems = checkPublisherRecord(record);
  if (problems.length) throw new Error(`record ${recordName} fails the schema: ${problems.join('; ')}`);
  const name = String(record.configuration_name ?? '');
  const file = path.join(dir, '.posit', 'publish', `${name}.toml`);
  if (!name || !fs.existsSync(file)) throw new Error(`configuration ${name} not found`);
  const configuration = readToml(file);
  const cp = checkPublisherConfiguration(configuration);
  if (cp.length) throw new Error(`configuration ${name} fails the schema: ${cp.join('; ')}`);
  return { record, configuration };
}
