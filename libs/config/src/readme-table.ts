import { VARIABLE_NAMES, VARIABLES, type EnvVariable } from './variables';

/** The README's Configuration table lives between these markers; `npm run docs:config` rewrites it. */
export const TABLE_START = '<!-- configuration table: generated from libs/config/src/variables.ts by `npm run docs:config` -->';
export const TABLE_END = '<!-- end of configuration table -->';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function defaultCell(v: EnvVariable): string {
  if (v.defaultText !== undefined) return v.defaultText;
  return v.default === undefined ? 'none' : `\`${v.default}\``;
}

/** One row per variable, in the schema's order. */
export function configurationTable(): string {
  const rows = VARIABLE_NAMES.map((name) => {
    const v: EnvVariable = VARIABLES[name];
    const names = v.secret || v.file ? `\`${name}\` (or \`${name}_FILE\`)` : `\`${name}\``;
    return `| ${names} | ${cell(v.type.says)}${v.secret ? '; secret' : ''} | ${cell(defaultCell(v))} | ${cell(v.description)} |`;
  });
  return ['| variable | value | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/** README.md with its configuration table replaced by the one generated from the schema. */
export function withConfigurationTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers of the configuration table:\n${TABLE_START}\n${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${configurationTable()}\n${readme.slice(end)}`;
}
