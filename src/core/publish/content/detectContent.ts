// Looks at a project (and the file the user chose, if any) and says what Connect should run: app mode, entrypoint,
// and what the server needs (Python, R, Quarto). Undefined when it cannot tell: the caller asks the person.
import fs from 'node:fs';
import path from 'node:path';
import { PYTHON_ENTRY_CANDIDATES, detectPythonApp } from './pythonFramework';
import {
  APP_MODE_LABELS,
  type AppMode,
  type ContentDetection,
  type ContentOverride,
  type QuartoEngine,
} from '../types';

interface Project {
  readonly dir: string;
  readonly names: readonly string[];
  read(rel: string): Promise<string>;
}

async function openProject(dir: string): Promise<Project> {
  const dirents = await fs.promises.readdir(dir, { withFileTypes: true });
  const names = dirents
    .filter((d) => d.isFile() || d.isSymbolicLink())
    .map((d) => d.name)
    .sort();
  const cache = new Map<string, Promise<string>>();
  return {
    dir,
    names,
    read: (rel) => {
      let p = cache.get(rel);
      if (!p) {
        p = fs.promises.readFile(path.join(dir, rel), 'utf8').then(
          (t) => t.slice(0, 256 * 1024),
          () => '',
        );
        cache.set(rel, p);
      }
      return p;
    },
  };
}

/** The YAML front matter of a document (`---` … `---`), or ''. */
function frontMatter(text: string): string {
  const m = /^---\s*\r?\n([\s\S]*?)\r?\n---\s*(\r?\n|$)/.exec(text);
  return m?.[1] ?? '';
}

function yamlTitle(yaml: string): string | undefined {
  const m = /^title:\s*["']?(.+?)["']?\s*$/m.exec(yaml);
  return m?.[1]?.trim() || undefined;
}

/** `runtime: shiny` (R Markdown) or `server: shiny` (Quarto) make a document interactive. */
function usesShiny(yaml: string): boolean {
  return (
    /^runtime:\s*["']?(shiny|shinyrmd|shiny_prerendered)\b/m.test(yaml) ||
    /^\s*server:\s*["']?shiny\b/m.test(yaml) ||
    /^\s*type:\s*["']?shiny\b/m.test(yaml)
  );
}

function quartoEnginesOf(texts: readonly { name: string; text: string }[]): QuartoEngine[] {
  const engines = new Set<QuartoEngine>();
  for (const { name, text } of texts) {
    const yaml = frontMatter(text);
    if (
      name.endsWith('.ipynb') ||
      /^jupyter:/m.test(yaml) ||
      /^engine:\s*jupyter/m.test(yaml) ||
      /^```\s*\{(python|julia)/m.test(text)
    )
      engines.add('jupyter');
    if (name.endsWith('.Rmd') || /^engine:\s*knitr/m.test(yaml) || /^```\s*\{r[\s,}]/m.test(text)) engines.add('knitr');
  }
  if (engines.size === 0) engines.add('markdown');
  return [...engines].sort();
}

/** Folder names that say nothing about the content (an editor's or a container's default checkout). */
const GENERIC_FOLDERS = new Set([
  'workspace',
  'workspaces',
  'project',
  'projects',
  'src',
  'app',
  'work',
  'home',
  'code',
]);

/** The name the project gives itself: pyproject's [project] name, an R package's Title, package.json's name. */
function projectName(dir: string): string | undefined {
  const read = (f: string): string => {
    try {
      return fs.readFileSync(path.join(dir, f), 'utf8');
    } catch {
      return '';
    }
  };
  const pyproject = /^\[project\][^[]*?^name\s*=\s*["']([^"']+)["']/ms.exec(read('pyproject.toml'))?.[1];
  const description = /^Title:\s*(.+)$/m.exec(read('DESCRIPTION'))?.[1];
  let pkg: string | undefined;
  try {
    const name = (JSON.parse(read('package.json') || '{}') as { name?: unknown }).name;
    pkg = typeof name === 'string' ? name : undefined;
  } catch {
    pkg = undefined;
  }
  return (pyproject ?? description ?? pkg)?.trim() || undefined;
}

/**
 * The default title when the document has none: the project's own name, else the folder's, unless the folder's name
 * is generic ('workspace'); then what the content is ('Streamlit app (app.py)').
 */
function base(dir: string, what?: { appmode: AppMode; entrypoint: string }): string {
  const name = path.basename(path.resolve(dir));
  const own = projectName(dir);
  if (own) return own.length >= 3 ? own : `${own} content`;
  if (what && GENERIC_FOLDERS.has(name.toLowerCase())) return `${APP_MODE_LABELS[what.appmode]} (${what.entrypoint})`;
  return name.length >= 3 ? name : `${name} content`.trim();
}

function result(
  p: Project,
  appmode: AppMode,
  entrypoint: string,
  extra: Partial<ContentDetection> = {},
): ContentDetection {
  const python = appmode.startsWith('python-') || appmode === 'jupyter-static' || appmode === 'jupyter-voila';
  const r = appmode === 'shiny' || appmode === 'api' || appmode === 'rmd-static' || appmode === 'rmd-shiny';
  const quarto = appmode === 'quarto-static' || appmode === 'quarto-shiny';
  const engines = extra.quartoEngines ?? [];
  return {
    appmode,
    entrypoint,
    entrypointFile: extra.entrypointFile ?? entrypoint,
    needsPython: python || engines.includes('jupyter'),
    needsR: r || engines.includes('knitr'),
    needsQuarto: quarto,
    title: extra.title ?? base(p.dir, { appmode, entrypoint }),
    ...extra,
  };
}

async function quartoDocuments(p: Project): Promise<{ name: string; text: string }[]> {
  const docs = p.names.filter((n) => /\.(qmd|Rmd|ipynb)$/.test(n));
  return Promise.all(docs.map(async (name) => ({ name, text: await p.read(name) })));
}

async function detectQuarto(p: Project, file: string | undefined): Promise<ContentDetection> {
  const isProject = p.names.includes('_quarto.yml') || p.names.includes('_quarto.yaml');
  const docs = isProject ? await quartoDocuments(p) : [{ name: file!, text: await p.read(file!) }];
  const entry =
    file ??
    (p.names.includes('index.qmd')
      ? 'index.qmd'
      : (docs.find((d) => d.name.endsWith('.qmd'))?.name ?? docs[0]?.name ?? '_quarto.yml'));
  const projectYaml = isProject ? await p.read(p.names.includes('_quarto.yml') ? '_quarto.yml' : '_quarto.yaml') : '';
  const shiny = usesShiny(frontMatter(await p.read(entry))) || docs.some((d) => usesShiny(frontMatter(d.text)));
  const site = /^\s*type:\s*["']?(website|book|manuscript)\b/m.test(projectYaml);
  const mode = shiny ? 'quarto-shiny' : 'quarto-static';
  return result(p, mode, entry, {
    quartoEngines: quartoEnginesOf(docs.length ? docs : [{ name: entry, text: await p.read(entry) }]),
    title:
      yamlTitle(frontMatter(await p.read(entry))) ??
      yamlTitle(projectYaml) ??
      base(p.dir, { appmode: mode, entrypoint: entry }),
    ...(site ? { contentCategory: 'site' as const } : {}),
  });
}

async function detectRmd(p: Project, file: string): Promise<ContentDetection> {
  const yaml = frontMatter(await p.read(file));
  const site = p.names.some((n) => /^_(site|bookdown)\.ya?ml$/.test(n));
  const mode = usesShiny(yaml) ? 'rmd-shiny' : 'rmd-static';
  return result(p, mode, file, {
    primaryRmd: file,
    title: yamlTitle(yaml) ?? base(p.dir, { appmode: mode, entrypoint: file }),
    ...(site ? { contentCategory: 'site' as const } : {}),
  });
}

async function detectR(p: Project, file: string): Promise<ContentDetection | undefined> {
  const text = await p.read(file);
  if (/^#\*\s*@(get|post|put|delete|patch|apiTitle|serializer)\b/m.test(text) || /^(plumber|entrypoint)\.R$/.test(file))
    return result(p, 'api', file);
  if (/^(app|server|ui)\.R$/.test(file) || /\bshinyApp\s*\(/.test(text)) return result(p, 'shiny', file);
  return undefined;
}

async function detectPython(p: Project, file: string): Promise<ContentDetection | undefined> {
  const app = detectPythonApp(file, await p.read(file));
  return app ? result(p, app.appmode, app.entrypoint, { entrypointFile: file }) : undefined;
}

async function detectNode(p: Project, file?: string): Promise<ContentDetection | undefined> {
  let main = file;
  if (!main) {
    try {
      const pkg = JSON.parse(await p.read('package.json')) as { main?: unknown; scripts?: { start?: unknown } };
      const start =
        typeof pkg.scripts?.start === 'string' ? /node\s+(\S+\.[cm]?js)/.exec(pkg.scripts.start)?.[1] : undefined;
      main =
        typeof pkg.main === 'string'
          ? pkg.main
          : (start ??
            (p.names.includes('index.js') ? 'index.js' : p.names.includes('server.js') ? 'server.js' : undefined));
    } catch {
      return undefined;
    }
  }
  return main ? result(p, 'nodejs', main.replace(/^\.\//, '')) : undefined;
}

/** Detection when the person pointed at a file. */
async function detectFile(p: Project, file: string): Promise<ContentDetection | undefined> {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.html' || ext === '.htm') return result(p, 'static', file, { primaryHtml: file });
  if (ext === '.ipynb')
    return result(p, (await p.read('requirements.txt')).match(/^voila\b/im) ? 'jupyter-voila' : 'jupyter-static', file);
  if (ext === '.qmd') return detectQuarto(p, file);
  if (ext === '.rmd') return p.names.includes('_quarto.yml') ? detectQuarto(p, file) : detectRmd(p, file);
  if (ext === '.r') return detectR(p, file);
  if (ext === '.py') return detectPython(p, file);
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') return detectNode(p, file);
  if (file === 'package.json') return detectNode(p);
  if (file === '_quarto.yml' || file === '_quarto.yaml') return detectQuarto(p, undefined);
  return undefined;
}

function firstOf(names: readonly string[], preferred: readonly string[], ext: RegExp): string | undefined {
  return preferred.find((n) => names.includes(n)) ?? names.find((n) => ext.test(n));
}

/** Detection from the folder alone, most specific first. */
async function detectFolder(p: Project): Promise<ContentDetection | undefined> {
  const n = p.names;
  if (n.includes('_quarto.yml') || n.includes('_quarto.yaml')) return detectQuarto(p, undefined);
  for (const f of ['app.R', 'server.R', 'plumber.R', 'entrypoint.R']) if (n.includes(f)) return detectR(p, f);
  const pyFiles = [
    ...PYTHON_ENTRY_CANDIDATES.filter((f) => n.includes(f)),
    ...n.filter((f) => f.endsWith('.py') && !PYTHON_ENTRY_CANDIDATES.includes(f)),
  ];
  for (const f of pyFiles) {
    const found = await detectPython(p, f);
    if (found) return found;
  }
  const rmd = firstOf(n, ['index.Rmd'], /\.Rmd$/i);
  if (rmd) return detectRmd(p, rmd);
  const qmd = firstOf(n, ['index.qmd'], /\.qmd$/);
  if (qmd) return detectQuarto(p, qmd);
  const nb = firstOf(n, ['index.ipynb'], /\.ipynb$/);
  if (nb) return detectFile(p, nb);
  if (n.includes('package.json')) return detectNode(p);
  const html = firstOf(n, ['index.html', 'index.htm'], /\.html?$/i);
  if (html) return result(p, 'static', html, { primaryHtml: html });
  return undefined;
}

export interface DetectOptions {
  /** The file the person chose (absolute, or relative to the project); detection starts from it. */
  readonly file?: string;
  readonly override?: ContentOverride;
}

/** What the project is, or undefined when nothing says (the caller asks, then passes an override). */
export async function detectContent(dir: string, opts: DetectOptions = {}): Promise<ContentDetection | undefined> {
  const p = await openProject(dir);
  const chosen = opts.override?.entrypoint ?? opts.file;
  const rel = chosen ? path.relative(dir, path.resolve(dir, chosen)).split(path.sep).join('/') : undefined;
  const file = rel?.split(':')[0];
  const found = file ? await detectFile(p, file) : await detectFolder(p);
  const mode = opts.override?.appmode;
  if (!mode) return found;
  const entry = rel ?? found?.entrypoint;
  if (!entry) return undefined;
  // The person said what it is: keep what detection learnt about the file, but use their app mode.
  const entrypointFile = entry.includes(':') ? `${entry.split(':')[0]!.replace(/\./g, '/')}.py` : entry;
  return result(p, mode, entry, {
    entrypointFile,
    title: found?.title ?? base(dir, { appmode: mode, entrypoint: entry }),
    ...(mode.startsWith('quarto')
      ? {
          quartoEngines:
            found?.quartoEngines ?? quartoEnginesOf([{ name: entrypointFile, text: await p.read(entrypointFile) }]),
        }
      : {}),
    ...(mode === 'static' ? { primaryHtml: entrypointFile } : {}),
    ...(mode.startsWith('rmd') ? { primaryRmd: entrypointFile } : {}),
  });
}
