// The shapes the publish capability shares: Connect app modes, what detection found, servers, progress events.

/** Connect's app modes (PROTOCOLS §8), as manifest.json's `metadata.appmode` spells them. */
export const APP_MODES = [
  'static',
  'jupyter-static',
  'jupyter-voila',
  'nodejs',
  'python-bokeh',
  'python-dash',
  'python-fastapi',
  'python-api',
  'python-shiny',
  'python-streamlit',
  'python-gradio',
  'python-panel',
  'quarto-static',
  'quarto-shiny',
  'api',
  'shiny',
  'rmd-static',
  'rmd-shiny',
] as const;
export type AppMode = (typeof APP_MODES)[number];

export function isAppMode(value: unknown): value is AppMode {
  return typeof value === 'string' && (APP_MODES as readonly string[]).includes(value);
}

/** Words a person recognises, for pickers and messages. */
export const APP_MODE_LABELS: Readonly<Record<AppMode, string>> = {
  static: 'Static HTML',
  'jupyter-static': 'Jupyter notebook',
  'jupyter-voila': 'Voilà dashboard',
  nodejs: 'Node.js app',
  'python-bokeh': 'Bokeh app',
  'python-dash': 'Dash app',
  'python-fastapi': 'FastAPI API',
  'python-api': 'Flask API',
  'python-shiny': 'Shiny for Python app',
  'python-streamlit': 'Streamlit app',
  'python-gradio': 'Gradio app',
  'python-panel': 'Panel app',
  'quarto-static': 'Quarto document',
  'quarto-shiny': 'Quarto document with Shiny',
  api: 'Plumber API',
  shiny: 'Shiny app (R)',
  'rmd-static': 'R Markdown document',
  'rmd-shiny': 'R Markdown with Shiny',
};

export type QuartoEngine = 'knitr' | 'jupyter' | 'markdown';

export interface ContentDetection {
  readonly appmode: AppMode;
  /** Project-relative file, or `module:object` for Python web frameworks. */
  readonly entrypoint: string;
  /** The file the entrypoint names (for `module:object` entrypoints, the .py file). */
  readonly entrypointFile: string;
  readonly primaryRmd?: string;
  readonly primaryHtml?: string;
  readonly contentCategory?: 'site';
  /** Quarto content: the engines its documents use. */
  readonly quartoEngines?: readonly QuartoEngine[];
  /** What the content needs on the server. */
  readonly needsPython: boolean;
  readonly needsR: boolean;
  readonly needsQuarto: boolean;
  /** Default title: the document's YAML title, else the folder's name. */
  readonly title: string;
}

/** What the user may force instead of detection. */
export interface ContentOverride {
  readonly appmode?: AppMode;
  readonly entrypoint?: string;
}

/** A Connect server as listed in global state: no secret here (the API key lives in the SecretStore). */
export interface ConnectServer {
  /** Base URL without a trailing slash, e.g. https://connect.example.com or https://abc-org-acct.snowflakecomputing.app */
  readonly url: string;
  /** A name the user recognises; defaults to the host. */
  readonly name?: string;
  /** True when Connect runs inside Snowflake (recognised by host, or marked by the user for PrivateLink/custom domains). */
  readonly snowflake?: boolean;
  /** The Snowflake connection whose identity opens the SPCS ingress (only when `snowflake`). */
  readonly snowflakeConnection?: string;
  /** Who the API key belongs to, as Connect said when the server was added. */
  readonly username?: string;
}

export type PublishPhase = 'detect' | 'check' | 'bundle' | 'upload' | 'deploy' | 'record';

export type PublishEvent =
  | { readonly type: 'phase'; readonly phase: PublishPhase; readonly message: string }
  | { readonly type: 'detected'; readonly detection: ContentDetection }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'info'; readonly message: string }
  | {
      readonly type: 'bundleProgress';
      readonly files: number;
      readonly totalFiles: number;
      readonly bytes: number;
      readonly totalBytes: number;
    }
  | { readonly type: 'bundled'; readonly size: number; readonly md5: string; readonly files: number }
  | { readonly type: 'uploaded'; readonly bundleId: string }
  | { readonly type: 'taskLine'; readonly line: string }
  | { readonly type: 'done'; readonly result: PublishResult };

export interface PublishResult {
  readonly contentGuid: string;
  readonly contentUrl: string;
  readonly dashboardUrl: string;
  readonly bundleId: string;
  readonly recordPath: string;
  readonly created: boolean;
  readonly appmode: AppMode;
  /** The `.posit/publish/<name>.toml` configuration deployed with. */
  readonly configurationName: string;
}
