// Reads renv.lock into what manifest.json needs for R content: the R version (`platform`) and the `packages`
// section ({Source, Repository, description}), straight from the lock file, without an R session. The description
// keeps what a remote install needs (every Remote* field, RemotePkgRef derived from user/repo when absent, and
// GithubSubdir), as Publisher's publish/rPackageDescriptions.ts writes it.
import { SnowflakeExtError } from '../../shared/errors';

interface RenvPackage {
  readonly Package?: string;
  readonly Version?: string;
  readonly Source?: string;
  readonly Repository?: string;
  readonly RemoteType?: string;
  readonly RemoteUsername?: string;
  readonly RemoteRepo?: string;
  readonly RemoteRef?: string;
  readonly RemoteSha?: string;
  readonly Hash?: string;
  readonly Title?: string;
  readonly Requirements?: readonly string[];
  readonly [key: string]: unknown;
}

interface RenvLock {
  readonly R?: {
    readonly Version?: string;
    readonly Repositories?: readonly { readonly Name?: string; readonly URL?: string }[];
  };
  readonly Bioconductor?: { readonly Version?: string };
  readonly Packages?: Readonly<Record<string, RenvPackage>>;
}

export interface ManifestPackage {
  readonly Source: string;
  readonly Repository: string;
  readonly description: Readonly<Record<string, string>>;
}

export interface RenvInfo {
  readonly rVersion: string;
  readonly packages: Readonly<Record<string, ManifestPackage>>;
}

const DEFAULT_REPOS: Readonly<Record<string, string>> = {
  CRAN: 'https://cloud.r-project.org',
  RSPM: 'https://packagemanager.posit.co/cran/latest',
};

const GIT_HOSTS: Readonly<Record<string, string>> = {
  github: 'https://github.com',
  gitlab: 'https://gitlab.com',
  bitbucket: 'https://bitbucket.org',
};

function repositories(lock: RenvLock): Map<string, string> {
  const repos = new Map(Object.entries(DEFAULT_REPOS));
  const bioc = lock.Bioconductor?.Version;
  if (bioc) repos.set('BioCsoft', `https://bioconductor.org/packages/${bioc}/bioc`);
  for (const r of lock.R?.Repositories ?? []) if (r.Name && r.URL) repos.set(r.Name, r.URL.replace(/\/+$/, ''));
  return repos;
}

function sourceOf(name: string, pkg: RenvPackage, repos: Map<string, string>): { source: string; repository: string } {
  const remote = pkg.RemoteType && GIT_HOSTS[pkg.RemoteType];
  if (remote && pkg.RemoteUsername && pkg.RemoteRepo && !pkg.Repository) {
    // GitHub Enterprise and self-hosted GitLab name their host (RemoteHost is the API host, e.g. api.github.com).
    const host =
      typeof pkg.RemoteHost === 'string' && pkg.RemoteHost && !/^api\.github\.com$/.test(pkg.RemoteHost)
        ? `https://${pkg.RemoteHost.replace(/^https?:\/\//, '').replace(/\/api\/v3\/?$/, '')}`
        : remote;
    return { source: pkg.RemoteType!, repository: `${host}/${pkg.RemoteUsername}/${pkg.RemoteRepo}` };
  }
  if (pkg.RemoteType && typeof pkg.RemoteUrl === 'string' && pkg.RemoteUrl && !pkg.Repository)
    return { source: pkg.RemoteType, repository: pkg.RemoteUrl };
  const repo = pkg.Repository ?? (pkg.Source === 'Bioconductor' ? 'BioCsoft' : undefined);
  if (repo && /^(https?|ftp):\/\//.test(repo)) {
    const url = repo.replace(/\/+$/, '');
    const named = [...repos].find(([, u]) => u === url)?.[0];
    return { source: pkg.Source === 'Bioconductor' ? 'Bioconductor' : (named ?? url), repository: url };
  }
  const url = repo ? repos.get(repo) : undefined;
  if (!repo || !url) {
    throw new SnowflakeExtError(
      'config',
      `renv.lock: package '${name}' comes from ${repo ? `repository '${repo}', which renv.lock does not list` : `'${pkg.Source ?? 'an unknown source'}'`}; Connect could not install it.`,
      {
        text: 'Install it from a package repository, then run renv::snapshot() and publish again.',
      },
    );
  }
  return { source: pkg.Source === 'Bioconductor' || repo.startsWith('BioC') ? 'Bioconductor' : repo, repository: url };
}

function description(name: string, pkg: RenvPackage, repository: string): Record<string, string> {
  const d: Record<string, string> = {
    Package: name,
    Version: String(pkg.Version ?? ''),
    Type: 'Package',
    Title: pkg.Title ?? `${name} R package`,
  };
  for (const [key, v] of Object.entries(pkg))
    if ((key === 'Hash' || key.startsWith('Remote')) && typeof v === 'string' && v) d[key] = v;
  if (!d.RemotePkgRef && pkg.RemoteUsername && pkg.RemoteRepo)
    d.RemotePkgRef = `${pkg.RemoteUsername}/${pkg.RemoteRepo}`;
  if (d.RemoteSubdir) d.GithubSubdir = d.RemoteSubdir;
  if (pkg.Requirements?.length) d.Depends = pkg.Requirements.join(', ');
  d.Repository = repository;
  return d;
}

/** Parses renv.lock text; errors name the problem in the person's terms. */
export function readRenvLock(text: string): RenvInfo {
  let lock: RenvLock;
  try {
    lock = JSON.parse(text) as RenvLock;
  } catch {
    throw new SnowflakeExtError('config', 'renv.lock is not valid JSON.', {
      text: 'Run renv::snapshot() in the project to write it again.',
    });
  }
  const rVersion = lock.R?.Version;
  if (!rVersion)
    throw new SnowflakeExtError('config', 'renv.lock does not say which R version the project uses.', {
      text: 'Run renv::snapshot() in the project to write it again.',
    });
  const repos = repositories(lock);
  const packages: Record<string, ManifestPackage> = {};
  for (const name of Object.keys(lock.Packages ?? {}).sort()) {
    const pkg = lock.Packages![name]!;
    const { source, repository } = sourceOf(name, pkg, repos);
    packages[name] = { Source: source, Repository: repository, description: description(name, pkg, repository) };
  }
  return { rVersion, packages };
}
