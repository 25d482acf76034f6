// Tells which Python web framework a source file uses (from its imports), and the `module:object` Connect runs.
import type { AppMode } from '../types';

interface FrameworkRule {
  readonly appmode: AppMode;
  readonly imports: RegExp;
  /** The application object's constructor, for `module:object` entrypoints; absent for script-style apps. */
  readonly objectOf?: RegExp;
}

/** Order matters: Dash imports Flask, Panel imports Bokeh, Shiny and Gradio sit on Starlette/FastAPI. */
const RULES: readonly FrameworkRule[] = [
  { appmode: 'python-streamlit', imports: /^\s*(import\s+streamlit\b|from\s+streamlit\b)/m },
  {
    appmode: 'python-shiny',
    imports: /^\s*(import\s+shiny\b|from\s+shiny\b)/m,
    objectOf: /^(\w+)\s*=\s*(?:shiny\.)?App\s*\(/m,
  },
  {
    appmode: 'python-dash',
    imports: /^\s*(import\s+dash\b|from\s+dash\b)/m,
    objectOf: /^(\w+)\s*=\s*(?:dash\.)?Dash\s*\(/m,
  },
  { appmode: 'python-gradio', imports: /^\s*(import\s+gradio\b|from\s+gradio\b)/m },
  { appmode: 'python-panel', imports: /^\s*(import\s+panel\b|from\s+panel\b)/m },
  { appmode: 'python-bokeh', imports: /^\s*(import\s+bokeh\b|from\s+bokeh\b)/m },
  {
    appmode: 'python-fastapi',
    imports: /^\s*(import\s+fastapi\b|from\s+fastapi\b)/m,
    objectOf: /^(\w+)\s*=\s*(?:fastapi\.)?FastAPI\s*\(/m,
  },
  {
    appmode: 'python-api',
    imports: /^\s*(import\s+flask\b|from\s+flask\b)/m,
    objectOf: /^(\w+)\s*=\s*(?:flask\.)?Flask\s*\(/m,
  },
];

/** Files looked at first, in this order, when no entrypoint was named. */
export const PYTHON_ENTRY_CANDIDATES = [
  'app.py',
  'main.py',
  'streamlit_app.py',
  'api.py',
  'application.py',
  'server.py',
  'dashboard.py',
  'wsgi.py',
  'asgi.py',
];

export interface PythonApp {
  readonly appmode: AppMode;
  readonly entrypoint: string;
}

/** The framework of `source` (the text of `file`), or undefined when it imports none Connect knows. */
export function detectPythonApp(file: string, source: string): PythonApp | undefined {
  const rule = RULES.find((r) => r.imports.test(source));
  if (!rule) return undefined;
  if (!rule.objectOf) return { appmode: rule.appmode, entrypoint: file };
  const module = file.replace(/\.py$/, '').replace(/\//g, '.');
  const object = rule.objectOf.exec(source)?.[1];
  return { appmode: rule.appmode, entrypoint: object ? `${module}:${object}` : module };
}
