import { formErrors, incidentForms, ncForms, programmeForms, type FormField, type TaskForm } from '../../libs/domain/src';

const NOW = '2026-12-01T10:00:00.000Z';

/**
 * Every form a process asks a person to fill in (NC steps, incident steps, programme activities),
 * built as the workflows build them. A form given as a function is called with sample arguments.
 */
function everyForm(): Array<[string, TaskForm]> {
  const sets = { ncForms, incidentForms, programmeForms } as Record<string, Record<string, TaskForm | ((...args: never[]) => TaskForm)>>;
  const samples: unknown[] = ['Leavers kept VPN access', ['ceo@acme.example'], undefined];
  return Object.entries(sets).flatMap(([set, forms]) =>
    Object.entries(forms).map(([name, form]): [string, TaskForm] => {
      if (typeof form !== 'function') return [`${set}.${name}`, form];
      for (const arg of samples) {
        try {
          const built = (form as (...a: unknown[]) => TaskForm)(arg, arg);
          if (built?.fields) return [`${set}.${name}`, built];
        } catch {
          // Try the next sample argument.
        }
      }
      throw new Error(`${set}.${name}: no sample argument builds it`);
    }),
  );
}

/** The classes of hostile value the input policy refuses, for each kind of field. */
const LINE = ['a\u0000b', 'a\u0007b', 'a\u001b[31mb', 'line\nbreak', 'a\u0085b', '\ud800'];
const HOSTILE: Record<Exclude<FormField['type'], 'list'>, unknown[]> = {
  text: LINE,
  select: [...LINE, 'not-an-option'],
  email: [...LINE, '"quoted local"@example.com', 'a@b', 'a@example.com\r\nBcc: x@example.com'],
  date: ['2026-02-31', '2026-13-45', '2026-W01', '2026-123', '20260101', '-2026-01-01', '2026-01-01\u0000'],
  textarea: ['a\u0000b', 'a\u0007b', 'a\u001b[31mb', '\ud800'],
  urls: [['javascript:alert(1)'], ['https://example.com/a\u0000b'], 'https://not-a-list.example.com', [42]],
};

describe('every process form refuses each class of hostile value in each field, naming the field', () => {
  const forms = everyForm();

  it('finds the forms', () => {
    expect(forms.length).toBeGreaterThan(20);
  });

  const cases = forms.flatMap(([form, f]) =>
    f.fields.flatMap((field) =>
      field.type === 'list'
        ? field.item.map((item) => ({ form, f, path: `data.${field.name}.0.${item.name}`, type: item.type, data: (v: unknown) => ({ [field.name]: [{ [item.name]: v }] }) }))
        : [{ form, f, path: `data.${field.name}`, type: field.type, data: (v: unknown) => ({ [field.name]: v }) }],
    ),
  );

  it.each(cases.map((c) => [`${c.form} ${c.path} (${c.type})`, c]))('%s', (_name, c) => {
    for (const value of HOSTILE[c.type]) {
      const errors = formErrors(c.f, c.data(value) as never, NOW);
      expect({ value, fields: errors.map((e) => e.field) }).toEqual({ value, fields: expect.arrayContaining([c.path]) });
    }
  });
});
