// Writes the flat TOML the sandbox needs (tables of strings, numbers and booleans); strings use JSON escapes, which
// are valid TOML basic strings.
export type TomlValue = string | number | boolean;

export function stringifyToml(tables: Record<string, Record<string, TomlValue | undefined>>): string {
  return Object.entries(tables)
    .map(([name, values]) => {
      const lines = Object.entries(values)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k} = ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`);
      return `[${name}]\n${lines.join('\n')}\n`;
    })
    .join('\n');
}
