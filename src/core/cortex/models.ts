// The Cortex model catalogue: what we know about each model (limits, tool calling), the list used when
// `GET /api/v2/cortex/models` is unavailable, the reader for that endpoint's answer, and the default model.
import type { CortexModel } from './types';

interface KnownModel {
  readonly name: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly toolCalling: boolean;
}

// Limits follow Snowflake's published Cortex model table where it gives them, rounded down; tool calling through
// the REST API is offered for the Claude and OpenAI models only. A model missing from this table is described by its
// family (FAMILIES below), so a new Claude or OpenAI model keeps tool calling; anything else gets conservative
// limits. Output is capped at the REST API's `max_tokens` limit (16,384) whatever the model could do elsewhere.
const KNOWN: Readonly<Record<string, KnownModel>> = {
  'claude-sonnet-4-6': {
    name: 'Claude Sonnet 4.6',
    maxInputTokens: 200_000,
    maxOutputTokens: 64_000,
    toolCalling: true,
  },
  'claude-sonnet-4-5': {
    name: 'Claude Sonnet 4.5',
    maxInputTokens: 200_000,
    maxOutputTokens: 64_000,
    toolCalling: true,
  },
  'claude-haiku-4-5': { name: 'Claude Haiku 4.5', maxInputTokens: 200_000, maxOutputTokens: 64_000, toolCalling: true },
  'claude-4-sonnet': { name: 'Claude 4 Sonnet', maxInputTokens: 200_000, maxOutputTokens: 32_000, toolCalling: true },
  'claude-4-opus': { name: 'Claude 4 Opus', maxInputTokens: 200_000, maxOutputTokens: 32_000, toolCalling: true },
  'claude-3-7-sonnet': {
    name: 'Claude 3.7 Sonnet',
    maxInputTokens: 200_000,
    maxOutputTokens: 32_000,
    toolCalling: true,
  },
  'claude-3-5-sonnet': { name: 'Claude 3.5 Sonnet', maxInputTokens: 18_000, maxOutputTokens: 8_192, toolCalling: true },
  'openai-gpt-5': { name: 'OpenAI GPT-5', maxInputTokens: 272_000, maxOutputTokens: 128_000, toolCalling: true },
  'openai-gpt-4.1': { name: 'OpenAI GPT-4.1', maxInputTokens: 128_000, maxOutputTokens: 32_000, toolCalling: true },
  'llama3.1-70b': { name: 'Llama 3.1 70B', maxInputTokens: 128_000, maxOutputTokens: 8_192, toolCalling: false },
  'llama3.1-405b': { name: 'Llama 3.1 405B', maxInputTokens: 128_000, maxOutputTokens: 8_192, toolCalling: false },
  'mistral-large2': { name: 'Mistral Large 2', maxInputTokens: 128_000, maxOutputTokens: 8_192, toolCalling: false },
  'deepseek-r1': { name: 'DeepSeek R1', maxInputTokens: 32_768, maxOutputTokens: 8_192, toolCalling: false },
};

const UNKNOWN_LIMITS = { maxInputTokens: 32_000, maxOutputTokens: 4_096, toolCalling: false } as const;

/** The REST API accepts `max_tokens` 1..16,384 (Cortex REST API page): never advertise more. */
export const REST_MAX_OUTPUT_TOKENS = 16_384;

/** What a model's family implies when the model itself is not in KNOWN (e.g. claude-opus-4-5, openai-gpt-5-mini). */
const FAMILIES: readonly { readonly prefix: RegExp; readonly limits: Omit<KnownModel, 'name'> }[] = [
  { prefix: /^claude-/, limits: { maxInputTokens: 200_000, maxOutputTokens: 32_000, toolCalling: true } },
  { prefix: /^openai-/, limits: { maxInputTokens: 128_000, maxOutputTokens: 32_000, toolCalling: true } },
  {
    prefix: /^(llama|snowflake-llama)/,
    limits: { maxInputTokens: 128_000, maxOutputTokens: 8_192, toolCalling: false },
  },
  { prefix: /^mistral-/, limits: { maxInputTokens: 32_000, maxOutputTokens: 8_192, toolCalling: false } },
];

/** Shown when the models endpoint cannot be used (older accounts, proxies): widely available models first. */
export const FALLBACK_MODEL_IDS: readonly string[] = [
  'claude-sonnet-4-5',
  'claude-4-sonnet',
  'claude-haiku-4-5',
  'openai-gpt-4.1',
  'llama3.1-70b',
  'mistral-large2',
];

/** The default model is the first of these that the account offers, else the first model listed. */
const PREFERRED_DEFAULTS: readonly string[] = [
  'claude-sonnet-4-6',
  'claude-sonnet-4-5',
  'claude-4-sonnet',
  'openai-gpt-5',
  'openai-gpt-4.1',
  'claude-haiku-4-5',
  'claude-3-7-sonnet',
  'mistral-large2',
  'llama3.1-70b',
];

export interface ModelOverrides {
  readonly maxInputTokens?: number;
  readonly maxOutputTokens?: number;
  readonly toolCalling?: boolean;
  readonly name?: string;
}

export function describeModel(id: string, overrides: ModelOverrides = {}): CortexModel {
  const known = KNOWN[id] ?? FAMILIES.find((f) => f.prefix.test(id))?.limits ?? UNKNOWN_LIMITS;
  const output = overrides.maxOutputTokens ?? known.maxOutputTokens;
  return {
    id,
    name: overrides.name ?? KNOWN[id]?.name ?? id,
    family: id,
    maxInputTokens: overrides.maxInputTokens ?? known.maxInputTokens,
    maxOutputTokens: Math.min(output, REST_MAX_OUTPUT_TOKENS),
    toolCalling: overrides.toolCalling ?? known.toolCalling,
  };
}

export function fallbackModels(): CortexModel[] {
  return FALLBACK_MODEL_IDS.map((id) => describeModel(id));
}

/**
 * Reads the models endpoint's answer: the spec's GetModelsResponse is `{models: [string]}`. Lists of objects (`name`,
 * `model` or `id`, bare or under `models` / `data` / `items`) are read too, with any limits they carry.
 */
export function parseModelsResponse(body: unknown): CortexModel[] {
  const list = Array.isArray(body) ? body : firstArray(body, ['models', 'data', 'items']);
  const seen = new Set<string>();
  const out: CortexModel[] = [];
  for (const entry of list ?? []) {
    const model = modelFromEntry(entry);
    if (model && !seen.has(model.id)) {
      seen.add(model.id);
      out.push(model);
    }
  }
  return out;
}

export function pickDefaultModel(models: readonly CortexModel[]): CortexModel | undefined {
  for (const id of PREFERRED_DEFAULTS) {
    const m = models.find((x) => x.id === id);
    if (m) return m;
  }
  return models[0];
}

function firstArray(body: unknown, keys: readonly string[]): unknown[] | undefined {
  if (!body || typeof body !== 'object') return undefined;
  for (const k of keys) {
    const v = (body as Record<string, unknown>)[k];
    if (Array.isArray(v)) return v;
  }
  return undefined;
}

function modelFromEntry(entry: unknown): CortexModel | undefined {
  if (typeof entry === 'string') return entry ? describeModel(entry) : undefined;
  if (!entry || typeof entry !== 'object') return undefined;
  const e = entry as Record<string, unknown>;
  const id = [e.name, e.model, e.id].find((v): v is string => typeof v === 'string' && v.length > 0);
  if (!id) return undefined;
  const overrides: { -readonly [K in keyof ModelOverrides]: ModelOverrides[K] } = {};
  const input = positive(e.max_input_tokens ?? e.context_window);
  const output = positive(e.max_output_tokens);
  if (input) overrides.maxInputTokens = input;
  if (output) overrides.maxOutputTokens = output;
  if (typeof e.supports_tools === 'boolean') overrides.toolCalling = e.supports_tools;
  if (typeof e.display_name === 'string' && e.display_name) overrides.name = e.display_name;
  return describeModel(id, overrides);
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : undefined;
}
