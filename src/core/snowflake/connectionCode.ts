// Python and R code that opens the same named connection (from the same connections.toml / Workbench home).

function quoted(value: string): string {
  return JSON.stringify(value); // a valid double-quoted string literal in both Python and R
}

/** snowflake-connector-python reads the named connection from connections.toml / config.toml itself. */
export function pythonConnectionCode(connectionName: string): string {
  return [
    'import snowflake.connector',
    '',
    `conn = snowflake.connector.connect(connection_name=${quoted(connectionName)})`,
    '',
  ].join('\n');
}

/** odbc's snowflake() driver resolves `connection_name` through snowflakeauth, like the Python connector. */
export function rConnectionCode(connectionName: string): string {
  return [
    '# Needs odbc (1.7.1 or later, with the snowflakeauth package) and the Snowflake ODBC driver.',
    `con <- DBI::dbConnect(odbc::snowflake(), connection_name = ${quoted(connectionName)})`,
    '',
  ].join('\n');
}
