import type { ArgumentMetadata } from '@nestjs/common';
import { validationPipe } from '../../apps/api/src/common/input-policy';
import { ProblemException } from '../../apps/api/src/common/problem';
import { CreateTaskDto, ListTasksQuery } from '../../apps/api/src/tasks/dto/task.dto';

const body: ArgumentMetadata = { type: 'body', metatype: CreateTaskDto };
const valid = { title: 'T', instructions: 'I', assignee: 'a@example.com', dueAt: '2999-01-01T00:00:00Z' };

async function errorsFor(value: unknown, meta = body) {
  try {
    await validationPipe().transform(value, meta);
  } catch (err) {
    if (err instanceof ProblemException) return err.problem.errors;
    throw err;
  }
  return [];
}

describe('input validation at the edge', () => {
  it('accepts a valid task, trims it and spells addresses one way', async () => {
    expect(await validationPipe().transform({ ...valid, title: '  T  ', assignee: ' Alice@Example.COM ' }, body)).toMatchObject({ title: 'T', assignee: 'alice@example.com' });
  });

  it('says a missing field is required, one message per field', async () => {
    expect(await errorsFor({})).toEqual([
      { field: 'title', message: 'title is required' },
      { field: 'instructions', message: 'instructions is required' },
      { field: 'assignee', message: 'assignee is required' },
      { field: 'dueAt', message: 'dueAt is required' },
    ]);
  });

  it('reports the most basic rule broken first', async () => {
    expect(await errorsFor({ ...valid, title: 42 })).toEqual([{ field: 'title', message: 'title must be a string' }]);
    expect(await errorsFor({ ...valid, dueAt: 'next tuesday' })).toEqual([{ field: 'dueAt', message: 'dueAt must be a date-time such as 2027-06-30T17:00:00Z' }]);
    expect(await errorsFor({ ...valid, dueAt: '2001-01-01T00:00:00Z' })).toEqual([{ field: 'dueAt', message: 'dueAt must be in the future' }]);
    expect(await errorsFor({ ...valid, title: '   ' })).toEqual([{ field: 'title', message: 'title should not be empty' }]);
    expect(await errorsFor({ ...valid, outcomes: [] })).toEqual([{ field: 'outcomes', message: 'outcomes must contain at least 1 elements' }]);
  });

  it('names unknown fields plainly', async () => {
    expect(await errorsFor({ ...valid, priority: 'high' })).toEqual([{ field: 'priority', message: 'priority is not a known field' }]);
  });

  it('converts and bounds query parameters', async () => {
    const query: ArgumentMetadata = { type: 'query', metatype: ListTasksQuery };
    expect(await validationPipe().transform({ limit: '10' }, query)).toMatchObject({ limit: 10, offset: 0 });
    expect(await errorsFor({ limit: '0' }, query)).toEqual([{ field: 'limit', message: 'limit must not be less than 1' }]);
  });
});
