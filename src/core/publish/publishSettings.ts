// What a deployment is made of before anything is bundled: the record of an earlier deployment and the Publisher
// configuration it names (honoured when it exists: type, entrypoint, files, Python/R/Quarto, environment, secrets,
// integration requests), or a new configuration in Publisher's schema v3 built from what detection found.
import { SnowflakeExtError } from '../shared/errors';
import type { ContentSettings, ManifestInputs } from './content/manifest';
import type { FoundRecord } from './deploymentRecord';
import {
  CONFIG_SCHEMA,
  appModeOfPublisherType,
  publisherType,
  readConfiguration,
  type IntegrationRequest,
  type PublisherConfiguration,
} from './publisherConfig';
import type { ContentDetection, ContentOverride } from './types';

export interface ProjectConfiguration {
  /** The configuration's name: the record's `configuration_name`, kept as it is. */
  readonly name?: string;
  /** The file's contents, when the project has it. */
  readonly existing?: PublisherConfiguration;
}

/** The configuration the record names, read from `.posit/publish/<configuration_name>.toml` when it is there. */
export async function projectConfiguration(
  dir: string,
  record: FoundRecord | undefined,
  name?: string,
): Promise<ProjectConfiguration> {
  const wanted =
    name ?? (typeof record?.record.configuration_name === 'string' ? record.record.configuration_name : '');
  if (!wanted) return {};
  const existing = await readConfiguration(dir, wanted);
  if (!existing && name)
    throw new SnowflakeExtError('notFound', `The project has no configuration '${name}' in .posit/publish/.`, {
      text: 'Give the name of a file in .posit/publish/ (without .toml), or leave the option out.',
    });
  return { name: wanted, ...(existing ? { existing } : {}) };
}

/** The type and entrypoint a configuration (or, lacking one, the record's copy of it) settled earlier. */
export function overrideOf(cfg: Partial<PublisherConfiguration> | undefined): ContentOverride | undefined {
  const appmode = appModeOfPublisherType(cfg?.type);
  return appmode && typeof cfg?.entrypoint === 'string' && cfg.entrypoint
    ? { appmode, entrypoint: cfg.entrypoint }
    : undefined;
}

/** The manifest settings a configuration fixes. */
export function settingsOf(cfg: PublisherConfiguration | undefined, quartoVersion?: string): ContentSettings {
  const s: Record<string, unknown> = {
    pythonVersion: cfg?.python?.version,
    packageFile: cfg?.python?.package_file,
    packageManager: cfg?.python?.package_manager,
    requiresPython: cfg?.python?.requires_python,
    rVersion: cfg?.r?.version,
    rPackageFile: cfg?.r?.package_file,
    requiresR: cfg?.r?.requires_r,
    quartoVersion: cfg?.quarto?.version ?? quartoVersion,
    integrationRequests: cfg?.integration_requests,
  };
  for (const k of Object.keys(s)) if (s[k] === undefined || s[k] === '') delete s[k];
  return s as ContentSettings;
}

export interface NewConfigurationInput {
  readonly detection: ContentDetection;
  readonly inputs: ManifestInputs;
  readonly title: string;
  /** The `files` patterns (filesFromIgnore). */
  readonly files: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly secrets?: readonly string[];
  readonly integrationRequests?: readonly IntegrationRequest[];
}

/** A configuration in Publisher's schema v3 for what we are about to deploy. */
export function newConfiguration(c: NewConfigurationInput): PublisherConfiguration {
  const { detection: d, inputs } = c;
  const type = publisherType(d.appmode);
  return {
    $schema: CONFIG_SCHEMA,
    // No product_type: Connect inside Snowflake is product 'connect' too, the default (Publisher's
    // utils/multiStepHelpers.ts getProductType); only the record's server_type says 'snowflake'.
    type,
    entrypoint: d.entrypoint,
    title: c.title,
    validate: true,
    files: [...c.files],
    ...(inputs.python
      ? {
          python: {
            version: inputs.python.version,
            package_file: inputs.python.packageFile,
            package_manager: inputs.python.packageManager,
            ...(inputs.python.requires ? { requires_python: inputs.python.requires } : {}),
          },
        }
      : {}),
    ...(inputs.r ? { r: { version: inputs.r.rVersion, package_file: 'renv.lock', package_manager: 'renv' } } : {}),
    ...(inputs.quarto
      ? { quarto: { version: inputs.quarto.version, engines: [...(d.quartoEngines ?? ['markdown'])] } }
      : {}),
    ...(c.environment && Object.keys(c.environment).length ? { environment: { ...c.environment } } : {}),
    ...(c.secrets?.length ? { secrets: [...c.secrets] } : {}),
    ...(c.integrationRequests?.length ? { integration_requests: [...c.integrationRequests] } : {}),
  };
}

function sameRequest(a: IntegrationRequest, b: IntegrationRequest): boolean {
  return (a.guid !== undefined && a.guid === b.guid) || (!a.guid && !b.guid && a.name === b.name);
}

/** The existing configuration with the requests the person added this time (as Publisher's addIntegrationRequest). */
export function withRequests(
  cfg: PublisherConfiguration,
  added: readonly IntegrationRequest[],
): PublisherConfiguration | undefined {
  const have = cfg.integration_requests ?? [];
  const fresh = added.filter((r) => !have.some((h) => sameRequest(h, r)));
  return fresh.length ? { ...cfg, integration_requests: [...have, ...fresh] } : undefined;
}
