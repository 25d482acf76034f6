// Snowflake identifier and string-literal quoting: names as users copy them, and names inside the SQL we send.

/** Snowflake's reserved words: an unquoted identifier may not be one of these. */
const RESERVED = new Set(
  (
    'ACCOUNT ALL ALTER AND ANY AS BETWEEN BY CASE CAST CHECK COLUMN CONNECT CONNECTION CONSTRAINT CREATE CROSS ' +
    'CURRENT CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER DATABASE DELETE DISTINCT DROP ELSE EXISTS FALSE ' +
    'FOLLOWING FOR FROM FULL GRANT GROUP GSCLUSTER HAVING ILIKE IN INCREMENT INNER INSERT INTERSECT INTO IS ISSUE JOIN ' +
    'LATERAL LEFT LIKE LOCALTIME LOCALTIMESTAMP MINUS NATURAL NOT NULL OF ON OR ORDER ORGANIZATION QUALIFY REGEXP ' +
    'REVOKE RIGHT RLIKE ROW ROWS SAMPLE SCHEMA SELECT SET SOME START TABLE TABLESAMPLE THEN TO TRIGGER TRUE TRY_CAST ' +
    'UNION UNIQUE UPDATE USING VALUES VIEW WHEN WHENEVER WHERE WINDOW WITH'
  ).split(' '),
);

/** An unquoted identifier resolves to upper case; only such names round-trip without quotes. */
const PLAIN = /^[A-Z_][A-Z0-9_$]*$/;

/** True when `name` (as Snowflake stores it) must be double-quoted to be referred to. */
export function needsQuoting(name: string): boolean {
  return !PLAIN.test(name) || RESERVED.has(name);
}

/** The name as a user would type it: quoted only when needed, internal double quotes doubled. */
export function quoteIdentifier(name: string): string {
  return needsQuoting(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

/** `DB.SCHEMA.TABLE`, each part quoted only when needed. */
export function qualifiedName(...parts: readonly string[]): string {
  return parts.map(quoteIdentifier).join('.');
}

/**
 * An identifier for SQL we generate: always quoted, so a name is matched exactly as SHOW returned it whatever
 * reserved words a future Snowflake adds.
 */
export function sqlIdentifier(...parts: readonly string[]): string {
  return parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
}

/** A single-quoted SQL string literal (backslash is an escape character in Snowflake strings). */
export function sqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The object a connection parameter names (`database = "sales_db"`): the drivers pass it to Snowflake as an
 * identifier, so unquoted it resolves to upper case (SALES_DB), and only a value written with its own double quotes
 * (`database = '"Sales"'`) keeps its case.
 */
export function connectionIdentifier(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/""/g, '"');
  return v.toUpperCase();
}
