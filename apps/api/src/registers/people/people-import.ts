import { parse } from 'csv-parse/sync';
import type { FieldError } from '../../../../../libs/domain/src';
import { validationPipe } from '../../common/input-policy';
import { ProblemException } from '../../common/problem';
import { PersonRowDto } from './dto/person.dto';
import { entryProblems, personValues, type PersonValues } from './people.service';

/** The columns a file may have (in any order; others are ignored), as header names compare: case, spaces, `_` and `-` aside. */
const COLUMNS = { email: 'email', name: 'name', department: 'department', manager: 'manager', startdate: 'startDate', leavedate: 'leaveDate', active: 'active' } as const;
const REQUIRED = ['email', 'name', 'department', 'startDate'];
export const MAX_ROWS = 50_000;

export interface ReadFile {
  entries: Array<{ line: number; email: string; values: PersonValues }>;
  errors: Array<FieldError & { line: number }>;
  received: number;
  ignoredColumns: string[];
}

/**
 * A staff file (CSV with a header row), read row by row: a row that breaks a rule is reported by line
 * and field and left out, the others are kept. Only a file that cannot be read as a whole (no header,
 * a missing column, a broken quote) is refused.
 */
export async function readPeopleFile(text: string): Promise<ReadFile> {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true, max_record_size: 10_000 }) as unknown as typeof records;
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw ProblemException.invalid([{ field: 'body', message: `the file is not readable as CSV${line ? ` at line ${line}` : ''}: ${(err as Error).message.replace(/^Invalid [^:]*: /, '')}` }]);
  }
  if (!records.length) throw ProblemException.invalid([{ field: 'body', message: 'the file is empty: send a header row (email,name,department,startDate,...) and a row per person' }]);
  if (records.length - 1 > MAX_ROWS) throw ProblemException.invalid([{ field: 'body', message: `the file has ${records.length - 1} rows: send at most ${MAX_ROWS} at a time` }]);

  const header = records[0].record.map((h) => COLUMNS[h.toLowerCase().replace(/[\s_-]/g, '') as keyof typeof COLUMNS]);
  const missing = REQUIRED.filter((c) => !header.includes(c as never));
  const twice = header.filter((c, i) => c && header.indexOf(c) !== i);
  if (missing.length || twice.length) {
    throw ProblemException.invalid([
      ...missing.map((c) => ({ field: `header.${c}`, message: `the header has no ${c} column` })),
      ...twice.map((c) => ({ field: `header.${c}`, message: `the header has ${c} twice` })),
    ]);
  }
  const result: ReadFile = { entries: [], errors: [], received: records.length - 1, ignoredColumns: records[0].record.filter((_, i) => !header[i]) };
  const seen = new Map<string, number>();
  const pipe = validationPipe();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const fail = (errors: FieldError[]) => result.errors.push(...errors.map((e) => ({ line, ...e })));
    if (record.length !== header.length) {
      fail([{ field: 'row', message: `line ${line} has ${record.length} fields where the header has ${header.length}` }]);
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((column, i) => column && record[i] !== '' && (row[column] = record[i]));
    const active = row.active === undefined ? undefined : ({ true: true, yes: true, '1': true, false: false, no: false, '0': false } as Record<string, boolean>)[row.active.toLowerCase()];
    if (row.active !== undefined && active === undefined) {
      fail([{ field: 'active', message: 'active must be true or false (yes/no, 1/0)' }]);
      continue;
    }
    let dto: PersonRowDto;
    try {
      dto = (await pipe.transform({ ...row, active }, { type: 'body', metatype: PersonRowDto })) as PersonRowDto;
    } catch (err) {
      if (!(err instanceof ProblemException)) throw err;
      fail(err.problem.errors ?? [{ field: 'row', message: err.problem.detail ?? 'the row is not valid' }]);
      continue;
    }
    const values = personValues(dto);
    const problems = entryProblems(dto.email, values);
    if (seen.has(dto.email)) problems.push({ field: 'email', message: `${dto.email} is already on line ${seen.get(dto.email)}` });
    if (problems.length) {
      fail(problems);
      continue;
    }
    seen.set(dto.email, line);
    result.entries.push({ line, email: dto.email, values });
  }
  return result;
}
