// "Copy Python / R code for this content": the lines a Connect-hosted app uses to reach Snowflake through the OAuth
// integration it is associated with. Python: posit-sdk-py's posit.connect.external.snowflake.PositAuthenticator
// (a Viewer integration takes the visitor's Posit-Connect-User-Session-Token header; a Service Account one the
// content's CONNECT_CONTENT_SESSION_TOKEN). R: connectapi's get_oauth_credentials() / get_oauth_content_credentials()
// and odbc::snowflake() with the token. The header's place differs by framework, so it is spelt per app mode.
import type { IntegrationRequest } from './publisherConfig';
import type { AppMode } from './types';

export type CodeLanguage = 'python' | 'r';

/** Where a Python app reads the visitor's session token. */
const PY_HEADER: Partial<Record<AppMode, readonly string[]>> = {
  'python-streamlit': [
    'import streamlit as st',
    'session_token = st.context.headers.get("Posit-Connect-User-Session-Token")',
  ],
  'python-shiny': [
    '# inside server(input, output, session):',
    'session_token = session.http_conn.headers.get("Posit-Connect-User-Session-Token")',
  ],
  'python-dash': [
    'import flask  # in a callback',
    'session_token = flask.request.headers.get("Posit-Connect-User-Session-Token")',
  ],
  'python-api': [
    'import flask  # in a view',
    'session_token = flask.request.headers.get("Posit-Connect-User-Session-Token")',
  ],
  'python-fastapi': [
    '# in a route taking `request: fastapi.Request`:',
    'session_token = request.headers.get("Posit-Connect-User-Session-Token")',
  ],
};

function viewerWanted(requests: readonly IntegrationRequest[]): boolean {
  const snowflake = requests.filter((r) => !r.type || r.type === 'snowflake');
  return !snowflake.length || snowflake.some((r) => r.auth_type !== 'Service Account');
}

function python(appmode: AppMode, viewer: boolean): string {
  const token = viewer
    ? [
        ...(PY_HEADER[appmode] ?? [
          '# the visitor\'s session token, from the request header "Posit-Connect-User-Session-Token":',
          'session_token = ...',
        ]),
        'auth = PositAuthenticator(local_authenticator="EXTERNALBROWSER", user_session_token=session_token)',
      ]
    : [
        '# a service account: the content itself signs in (Connect sets CONNECT_CONTENT_SESSION_TOKEN)',
        'auth = PositAuthenticator(',
        '    local_authenticator="EXTERNALBROWSER",',
        '    content_session_token=os.environ.get("CONNECT_CONTENT_SESSION_TOKEN"),',
        ')',
      ];
  return [
    `# Snowflake from this content on Posit Connect, as ${viewer ? 'each viewer' : 'the service account'} (the OAuth integration).`,
    '# Needs: pip install posit-sdk snowflake-connector-python (add them to requirements.txt)',
    'import os',
    '',
    'import snowflake.connector',
    'from posit.connect.external.snowflake import PositAuthenticator',
    '',
    ...token,
    'con = snowflake.connector.connect(',
    '    account=os.environ["SNOWFLAKE_ACCOUNT"],',
    '    warehouse=os.environ.get("SNOWFLAKE_WAREHOUSE"),',
    '    authenticator=auth.authenticator,  # "oauth" on Connect, the local one elsewhere',
    '    token=auth.token,',
    ')',
    'print(con.cursor().execute("SELECT CURRENT_USER()").fetchone())',
    '',
  ].join('\n');
}

function r(appmode: AppMode, viewer: boolean): string {
  const where =
    appmode === 'api'
      ? 'req$HTTP_POSIT_CONNECT_USER_SESSION_TOKEN  # in a plumber endpoint taking req'
      : 'session$request$HTTP_POSIT_CONNECT_USER_SESSION_TOKEN  # inside the Shiny server function';
  const creds = viewer
    ? [`user_session_token <- ${where}`, 'credentials <- connectapi::get_oauth_credentials(client, user_session_token)']
    : [
        '# a service account: the content itself signs in (Connect sets CONNECT_CONTENT_SESSION_TOKEN)',
        'credentials <- connectapi::get_oauth_content_credentials(client)',
      ];
  return [
    `# Snowflake from this content on Posit Connect, as ${viewer ? 'each viewer' : 'the service account'} (the OAuth integration).`,
    '# Needs: connectapi, DBI and odbc (record them with renv::snapshot())',
    'client <- connectapi::connect()',
    ...creds,
    'con <- DBI::dbConnect(',
    '  odbc::snowflake(),',
    '  account = Sys.getenv("SNOWFLAKE_ACCOUNT"),',
    '  warehouse = Sys.getenv("SNOWFLAKE_WAREHOUSE"),',
    '  authenticator = "oauth",',
    '  token = credentials$access_token',
    ')',
    'DBI::dbGetQuery(con, "SELECT CURRENT_USER()")',
    '',
  ].join('\n');
}

/** The code for content of this kind that asked for these integrations. */
export function integrationCode(
  language: CodeLanguage,
  appmode: AppMode,
  requests: readonly IntegrationRequest[],
): string {
  const viewer = viewerWanted(requests);
  return language === 'python' ? python(appmode, viewer) : r(appmode, viewer);
}

/** The language a content type is written in (R for Shiny/Plumber/R Markdown, else Python). */
export function languageOf(appmode: AppMode): CodeLanguage {
  return appmode === 'shiny' || appmode === 'api' || appmode.startsWith('rmd') ? 'r' : 'python';
}
