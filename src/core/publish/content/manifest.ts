// manifest.json per PROTOCOLS §8: app mode and entrypoint, the Python / Quarto / R requirements, and every file's
// MD5. What the manifest needs is gathered (and checked) before bundling, so a missing requirements.txt or
// renv.lock fails in a second, not after minutes of compression.
import fs from 'node:fs';
import path from 'node:path';
import { SnowflakeExtError } from '../../shared/errors';
import type { ProjectListing } from '../bundle/projectFiles';
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
    readonly package_manager: { readonly name: 'pip'; readonly package_file: string };
  };
  readonly quarto?: { readonly version: string; readonly engines: readonly string[] };
  readonly packages?: Readonly<Record<string, ManifestPackage>>;
  readonly files: Readonly<Record<string, { readonly checksum: string }>>;
}

/** Everything the manifest needs except the checksums, which come out of the bundler. */
export interface ManifestInputs {
  readonly detection: ContentDetection;
  readonly locale: string;
  readonly python?: { readonly version: string };
  readonly quarto?: { readonly version: string };
  readonly r?: RenvInfo;
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
            package_manager: { name: 'pip' as const, package_file: PYTHON_PACKAGE_FILE },
          },
        }
      : {}),
    ...(inputs.quarto
      ? { quarto: { version: inputs.quarto.version, engines: [...(d.quartoEngines ?? ['markdown'])] } }
      : {}),
    ...(inputs.r ? { packages: inputs.r.packages } : {}),
    files,
  };
}

export function manifestBytes(manifest: Manifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

function bundles(listing: ProjectListing, rel: string): boolean {
  return listing.entries.some((e) => e.rel === rel && !e.isDirectory);
}

/** Checks the project has what its content type needs on Connect, and finds the versions to name. */
export async function gatherManifestInputs(
  dir: string,
  detection: ContentDetection,
  listing: ProjectListing,
  probe: RuntimeProbe,
  locale = 'en_US.UTF-8',
): Promise<ManifestInputs> {
  if (!bundles(listing, detection.entrypointFile)) {
    throw new SnowflakeExtError(
      'config',
      `The entrypoint '${detection.entrypointFile}' is not in the bundle (missing, or excluded by .positignore).`,
      {
        text: 'Choose another entrypoint, or remove it from .positignore.',
      },
    );
  }
  let python: ManifestInputs['python'];
  if (detection.needsPython) {
    if (!bundles(listing, PYTHON_PACKAGE_FILE)) {
      throw new SnowflakeExtError(
        'config',
        `This ${APP_MODE_LABELS[detection.appmode]} needs a ${PYTHON_PACKAGE_FILE} listing its Python packages; the project has none.`,
        {
          // What Posit Publisher's "Scan For Package Requirements" writes: the packages the code imports, pinned to
          // the installed versions (`pip freeze` would list the whole environment).
          text: `Create ${PYTHON_PACKAGE_FILE} with one line per package the code imports, at the version you use (e.g. streamlit==1.39.0), then publish again. Posit Publisher's "Scan For Package Requirements" writes it from the imports.`,
        },
      );
    }
    const version = await probe.python(dir);
    if (!version) {
      throw new SnowflakeExtError(
        'config',
        'Cannot tell which Python version the project uses: no .python-version, virtualenv or python3 on PATH.',
        {
          text: 'Add a .python-version file (e.g. 3.11.9) to the project, or put python3 on PATH.',
        },
      );
    }
    python = { version };
  }
  let quarto: ManifestInputs['quarto'];
  if (detection.needsQuarto) {
    const version = await probe.quarto();
    if (!version)
      throw new SnowflakeExtError('config', 'Quarto content needs Quarto, and `quarto --version` did not answer.', {
        text: 'Install Quarto from quarto.org, or put it on PATH, then publish again.',
      });
    quarto = { version };
  }
  let r: RenvInfo | undefined;
  if (detection.needsR) {
    const text = bundles(listing, RENV_LOCK)
      ? await fs.promises.readFile(path.join(dir, RENV_LOCK), 'utf8').catch(() => undefined)
      : undefined;
    if (text === undefined) {
      throw new SnowflakeExtError(
        'config',
        `This ${APP_MODE_LABELS[detection.appmode]} needs ${RENV_LOCK} to tell Connect which R packages to install; the project has none.`,
        {
          text: 'Run renv::init() or renv::snapshot() in the project, then publish again.',
        },
      );
    }
    r = readRenvLock(text);
  }
  return { detection, locale, ...(python ? { python } : {}), ...(quarto ? { quarto } : {}), ...(r ? { r } : {}) };
}
