// manifest.json per PROTOCOLS §8: app mode and entrypoint, the Python / Quarto / R requirements, and every file's
// MD5. What the manifest needs is gathered (and checked) before bundling, so a missing requirements.txt or
// renv.lock fails in a second, not after minutes of compression.
import fs from 'node:fs';
import path from 'node:path';
import { SnowflakeExtError } from '../../shared/errors';
import type { ProjectListing } from '../bundle/projectFiles';
import type { IntegrationRequest } from '../publisherConfig';
import { generateRequirements, pythonRequires } from './pythonRequirements';
import { readRenvLock, type ManifestPackage, type RenvInfo } from './renvPackages';
import type { RuntimeProbe } from './runtimeVersions';
import { APP_MODE_LABELS, type ContentDetection } from '../types';

export const PYTHON_PACKAGE_FILE = 'requirements.txt';
export const RENV_LOCK = 'renv.lock';

export interface Manifest {
  readonly version: 1;
  readonly locale: string;
  readonly platform?: string;
  readonly metadata: {
    readonly appmode: string;
    readonly entrypoint: string;
    readonly primary_rmd?: string;
    readonly primary_html?: string;
    readonly content_category?: string;
  };
  readonly python?: {
    readonly version: string;
    readonly package_manager: { readonly name: string; readonly package_file: string };
  };
  readonly quarto?: { readonly version: string; readonly engines: readonly string[] };
  /** Interpreter constraints (Publisher's bundler/manifestFromConfig.ts writes them here). */
  readonly environment?: {
    readonly python?: { readonly requires: string };
    readonly r?: { readonly requires: string };
  };
  readonly packages?: Readonly<Record<string, ManifestPackage>>;
  readonly files: Readonly<Record<string, { readonly checksum: string }>>;
  /** The OAuth integrations the content asks for (Publisher's bundler/testdata/integration-requests.json). */
  readonly integration_requests?: readonly IntegrationRequest[];
}

/** What a Publisher configuration (or the person) settles instead of detection and probing. */
export interface ContentSettings {
  readonly pythonVersion?: string;
  readonly packageFile?: string;
  readonly packageManager?: string;
  readonly requiresPython?: string;
  readonly rVersion?: string;
  readonly rPackageFile?: string;
  readonly requiresR?: string;
  readonly quartoVersion?: string;
  readonly integrationRequests?: readonly IntegrationRequest[];
}

/** Everything the manifest needs except the checksums, which come out of the bundler. */
export interface ManifestInputs {
  readonly detection: ContentDetection;
  readonly locale: string;
  readonly python?: {
    readonly version: string;
    readonly packageFile: string;
    readonly packageManager: string;
    readonly requires?: string;
    /** No requirements file in the project: these lines, generated from its lock file, are bundled as one. */
    readonly generated?: { readonly source: string; readonly lines: readonly string[] };
  };
  readonly quarto?: { readonly version: string };
  readonly r?: RenvInfo & { readonly requires?: string };
  readonly integrationRequests?: readonly IntegrationRequest[];
}

export function buildManifest(inputs: ManifestInputs, checksums: ReadonlyMap<string, string>): Manifest {
  const d = inputs.detection;
  const files: Record<string, { checksum: string }> = {};
  for (const name of [...checksums.keys()].sort()) files[name] = { checksum: checksums.get(name)! };
  return {
    version: 1,
    locale: inputs.locale,
    ...(inputs.r ? { platform: inputs.r.rVersion } : {}),
    metadata: {
      appmode: d.appmode,
      entrypoint: d.entrypoint,
      ...(d.primaryRmd ? { primary_rmd: d.primaryRmd } : {}),
      ...(d.primaryHtml ? { primary_html: d.primaryHtml } : {}),
      ...(d.contentCategory ? { content_category: d.contentCategory } : {}),
    },
    ...(inputs.python
      ? {
          python: {
            version: inputs.python.version,
            package_manager: { name: inputs.python.packageManager, package_file: inputs.python.packageFile },
          },
        }
      : {}),
    ...(inputs.quarto
      ? { quarto: { version: inputs.quarto.version, engines: [...(d.quartoEngines ?? ['markdown'])] } }
      : {}),
    ...(inputs.python?.requires || inputs.r?.requires
      ? {
          environment: {
            ...(inputs.python?.requires ? { python: { requires: inputs.python.requires } } : {}),
            ...(inputs.r?.requires ? { r: { requires: inputs.r.requires } } : {}),
          },
        }
      : {}),
    ...(inputs.r ? { packages: inputs.r.packages } : {}),
    files,
    ...(inputs.integrationRequests?.length ? { integration_requests: inputs.integrationRequests } : {}),
  };
}

export function manifestBytes(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

function bundles(listing: ProjectListing, rel: string): boolean {
  return listing.entries.some((e) => e.rel === rel && !e.isDirectory);
}

/** A file the project has but the bundle leaves out is named as left out, not as missing. */
function notExcluded(dir: string, listing: ProjectListing, rel: string): void {
  if (bundles(listing, rel) || !fs.existsSync(path.join(dir, rel))) return;
  throw new SnowflakeExtError(
    'config',
    `The project has ${rel}, but it is left out of the bundle (by .positignore or the configuration's files list); Connect needs it.`,
    { text: `Remove ${rel} from .positignore, or add it to the configuration's files, then publish again.` },
  );
}

async function pythonInputs(
  dir: string,
  detection: ContentDetection,
  listing: ProjectListing,
  probe: RuntimeProbe,
  settings: ContentSettings,
): Promise<NonNullable<ManifestInputs['python']>> {
  const packageFile = settings.packageFile ?? PYTHON_PACKAGE_FILE;
  notExcluded(dir, listing, packageFile);
  const generated = bundles(listing, packageFile) ? undefined : await generateRequirements(dir);
  if (!bundles(listing, packageFile) && !generated) {
    throw new SnowflakeExtError(
      'config',
      `This ${APP_MODE_LABELS[detection.appmode]} needs a ${packageFile} listing its Python packages; the project has none (nor a uv.lock, pylock.toml or pyproject.toml to make one from).`,
      {
        // What Posit Publisher's "Scan For Package Requirements" writes: the packages the code imports, pinned to
        // the installed versions (`pip freeze` would list the whole environment).
        text: `Create ${packageFile} with one line per package the code imports, at the version you use (e.g. streamlit==1.39.0), then publish again. Posit Publisher's "Scan For Package Requirements" writes it from the imports.`,
      },
    );
  }
  const version = settings.pythonVersion ?? (await probe.python(dir));
  if (!version) {
    throw new SnowflakeExtError(
      'config',
      'Cannot tell which Python version the project uses: no .python-version, virtualenv or python3 on PATH.',
      {
        text: 'Add a .python-version file (e.g. 3.11.9) to the project, or put python3 on PATH.',
      },
    );
  }
  const requires = settings.requiresPython ?? (await pythonRequires(dir));
  return {
    version,
    packageFile,
    packageManager: settings.packageManager ?? 'pip',
    ...(requires ? { requires } : {}),
    ...(generated ? { generated } : {}),
  };
}

/** Checks the project has what its content type needs on Connect, and finds the versions to name. */
export async function gatherManifestInputs(
  dir: string,
  detection: ContentDetection,
  listing: ProjectListing,
  probe: RuntimeProbe,
  settings: ContentSettings = {},
  locale = 'en_US.UTF-8',
): Promise<ManifestInputs> {
  if (!bundles(listing, detection.entrypointFile)) {
    throw new SnowflakeExtError(
      'config',
      `The entrypoint '${detection.entrypointFile}' is not in the bundle (missing, excluded by .positignore, or left out of the configuration's files list).`,
      {
        text: "Choose another entrypoint, or remove it from .positignore, or add it to the configuration's files.",
      },
    );
  }
  const python = detection.needsPython ? await pythonInputs(dir, detection, listing, probe, settings) : undefined;
  let quarto: ManifestInputs['quarto'];
  if (detection.needsQuarto) {
    const version = settings.quartoVersion ?? (await probe.quarto());
    if (!version)
      throw new SnowflakeExtError('config', 'Quarto content needs Quarto, and `quarto --version` did not answer.', {
        text: 'Install Quarto from quarto.org or put it on PATH; or name the version Connect should use (CLI: --quarto-version 1.6; setting positSnowflake.publish.quartoVersion), then publish again.',
      });
    quarto = { version };
  }
  let r: RenvInfo | undefined;
  if (detection.needsR) {
    const lock = settings.rPackageFile ?? RENV_LOCK;
    notExcluded(dir, listing, lock);
    const text = bundles(listing, lock)
      ? await fs.promises.readFile(path.join(dir, lock), 'utf8').catch(() => undefined)
      : undefined;
    if (text === undefined) {
      throw new SnowflakeExtError(
        'config',
        `This ${APP_MODE_LABELS[detection.appmode]} needs ${lock} to tell Connect which R packages to install; the project has none.`,
        {
          text: 'Run renv::init() or renv::snapshot() in the project, then publish again.',
        },
      );
    }
    const info = readRenvLock(text);
    r = {
      ...info,
      ...(settings.rVersion ? { rVersion: settings.rVersion } : {}),
      ...(settings.requiresR ? { requires: settings.requiresR } : {}),
    };
  }
  return {
    detection,
    locale,
    ...(python ? { python } : {}),
    ...(quarto ? { quarto } : {}),
    ...(r ? { r } : {}),
    ...(settings.integrationRequests?.length ? { integrationRequests: settings.integrationRequests } : {}),
  };
}
