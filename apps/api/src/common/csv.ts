import { stringify, type Options } from 'csv-stringify/sync';

/** Cells a spreadsheet would run as a formula (OWASP "CSV injection"): =, +, -, @, and tab or CR first. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * CSV for people's spreadsheets: a text cell that would start a formula gets a leading `'`, which
 * spreadsheets show as text and never run. Numbers are numbers and stay as they are.
 */
export function toCsv(rows: unknown[], options: Options = {}): string {
  return stringify(rows, { ...options, cast: { string: (value) => (FORMULA_START.test(value) ? `'${value}` : value) } });
}
