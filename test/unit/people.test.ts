import { inAudience, onStaff, parseAudience, type StaffMember } from '../../libs/domain/src';
import { readPeopleFile } from '../../apps/api/src/registers/people/people-import';
import { ProblemException } from '../../apps/api/src/common/problem';

const person = (p: Partial<StaffMember> = {}): StaffMember => ({ email: 'a@acme.example', department: 'Finance', startDate: '2026-03-01', leaveDate: null, active: true, ...p });

describe('who is on staff on a day', () => {
  it('from the start date through the leave date (the last day of work), while active', () => {
    expect(onStaff(person(), '2026-02-28')).toBe(false);
    expect(onStaff(person(), '2026-03-01')).toBe(true);
    expect(onStaff(person({ leaveDate: '2026-06-30' }), '2026-06-30')).toBe(true);
    expect(onStaff(person({ leaveDate: '2026-06-30' }), '2026-07-01')).toBe(false);
    expect(onStaff(person({ active: false }), '2026-04-01')).toBe(false);
  });
});

describe('audiences', () => {
  it('are read from everyone, department:<name> and new-starters:<date>, and nothing else', () => {
    expect(parseAudience('everyone')).toEqual({ kind: 'everyone' });
    expect(parseAudience('department:Research: Labs')).toEqual({ kind: 'department', department: 'Research: Labs' });
    expect(parseAudience('new-starters:2026-11-01')).toEqual({ kind: 'newStarters', since: '2026-11-01' });
    for (const bad of ['', 'all', 'Everyone', 'department:', 'department: ', 'new-starters:', 'new-starters:2026-02-31', 'new-starters:yesterday', 'team:x']) expect([bad, parseAudience(bad)]).toEqual([bad, undefined]);
  });

  it('hold the people on staff that day who match', () => {
    const today = '2026-12-07';
    const finance = person();
    const newcomer = person({ email: 'n@acme.example', department: 'IT', startDate: '2026-12-01' });
    const future = person({ email: 'f@acme.example', startDate: '2027-01-04' });
    const leaver = person({ email: 'l@acme.example', leaveDate: '2026-11-30' });
    const everyone = [finance, newcomer, future, leaver];
    const who = (text: string) => everyone.filter((p) => inAudience(p, parseAudience(text)!, today)).map((p) => p.email);
    expect(who('everyone')).toEqual(['a@acme.example', 'n@acme.example']);
    expect(who('department:Finance')).toEqual(['a@acme.example']);
    expect(who('department:finance')).toEqual([]);
    expect(who('new-starters:2026-12-01')).toEqual(['n@acme.example']);
  });
});

describe('a staff file', () => {
  const header = 'email,name,department,manager,startDate,leaveDate,active';
  it('keeps the good rows and reports each bad one by line and field', async () => {
    const file = [
      header,
      'Alice@Acme.example,Alice,Finance,bob@acme.example,2026-01-05,,true',
      'bob@acme.example,Bob,Finance,,2025-02-01,,',
      'not-an-address,Carol,IT,,2026-01-05,,',
      'dan@acme.example,Dan,IT,,2027-02-31,,',
      'eve@acme.example,Eve,IT,eve@acme.example,2026-01-05,,',
      'alice@acme.example,Alice again,Finance,,2026-01-05,,',
      'fay@acme.example,Fay,IT,,2026-01-05,2025-12-31,',
      'gus@acme.example,Gus,IT,,2026-01-05,,maybe',
      'hal@acme.example,Hal,IT',
      'ivy@acme.example,"Ivy\u0000",IT,,2026-01-05,,',
      '',
      'joe@acme.example,Joe,IT,,2026-01-05,2026-12-31,no',
    ].join('\r\n');
    const read = await readPeopleFile(file);
    expect(read.received).toBe(11);
    expect(read.entries.map((e) => [e.line, e.email, e.values.active])).toEqual([
      [2, 'alice@acme.example', true],
      [3, 'bob@acme.example', true],
      [13, 'joe@acme.example', false],
    ]);
    expect(read.errors.map((e) => [e.line, e.field])).toEqual([
      [4, 'email'],
      [5, 'startDate'],
      [6, 'manager'],
      [7, 'email'],
      [8, 'leaveDate'],
      [9, 'active'],
      [10, 'row'],
      [11, 'name'],
    ]);
    expect(read.errors.find((e) => e.line === 7)?.message).toContain('line 2');
  });

  it('reads headers however they are spelled, in any order, and ignores other columns', async () => {
    const read = await readPeopleFile('\uFEFFStart Date,Department,E-mail,Name,Cost centre\n2026-01-05,Ops,ops@acme.example,Olga,4711\n');
    expect(read.entries).toEqual([{ line: 2, email: 'ops@acme.example', values: { name: 'Olga', department: 'Ops', manager: null, startDate: '2026-01-05', leaveDate: null, active: true } }]);
    expect(read.ignoredColumns).toEqual(['Cost centre']);
  });

  it('refuses a file it cannot read as a whole: empty, a missing or repeated column, a broken quote', async () => {
    const fields = async (text: string) => {
      try {
        await readPeopleFile(text);
        return 'read';
      } catch (err) {
        return (err as ProblemException).problem.errors?.map((e) => e.field);
      }
    };
    expect(await fields('')).toEqual(['body']);
    expect(await fields('email,name,startDate\na@acme.example,A,2026-01-05')).toEqual(['header.department']);
    expect(await fields('email,name,department,startDate,email\n')).toEqual(['header.email']);
    expect(await fields(`${header}\na@acme.example,"A,Finance,,2026-01-05,,`)).toEqual(['body']);
  });
});
