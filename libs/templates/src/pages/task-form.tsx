import type { FormField, ListField, TaskForm } from '../../../domain/src';

/** Rows offered for a list field on the page; blank rows are ignored when submitted. */
export const VISIBLE_ROWS = 5;

/** How the facts a form carries are headed on the page. */
const CONTEXT_LABELS: Record<string, string> = {
  description: 'The nonconformity',
  similar: 'Open and recent nonconformities on the same requirement',
};

/** The page's raw form body, as the person typed it. */
export type RawForm = Record<string, unknown>;

export const typed = (raw: RawForm, name: string): string => {
  const value = raw[name];
  return typeof value === 'string' ? value.trim() : '';
};

function Input({ f, name, value, inList }: { f: FormField; name: string; value: string; inList?: boolean }) {
  // A list offers more rows than needed: only the server can tell a blank row from a missing answer.
  const required = !!f.required && !inList;
  switch (f.type) {
    case 'textarea':
    case 'urls':
      return <textarea id={name} name={name} rows={f.type === 'urls' ? 2 : 4} required={required} placeholder={f.type === 'urls' ? 'https://' : undefined} value={value} />;
    case 'select':
      return (
        <select id={name} name={name} required={required}>
          <option value="" />
          {(f.options ?? []).map((o) => (
            <option value={o} selected={o === value}>
              {o}
            </option>
          ))}
        </select>
      );
    default:
      // One element per input type: Preact 11 types each input type's attributes apart.
      if (f.type === 'email') return <input id={name} name={name} type="email" value={value} required={required} />;
      if (f.type === 'date') return <input id={name} name={name} type="date" value={value} required={required} />;
      return <input id={name} name={name} type="text" value={value} required={required} />;
  }
}

function Label({ f, name }: { f: FormField | ListField; name: string }) {
  return (
    <label for={name}>
      {f.label}
      {f.help && <span class="muted"> ({f.help})</span>}
    </label>
  );
}

/** The task's form, filled with what the person typed last time. */
export function FormFields({ form, raw }: { form: TaskForm | null; raw: RawForm }) {
  if (!form) return null;
  return (
    <>
      {Object.entries(form.context ?? {}).map(([key, value]) => (
        <div class="context">
          <strong>{CONTEXT_LABELS[key] ?? key}</strong>
          <p class="pre">{value}</p>
        </div>
      ))}
      {form.fields.map((f) => {
        if (f.type !== 'list') {
          const name = `data.${f.name}`;
          return (
            <>
              <Label f={f} name={name} />
              <Input f={f} name={name} value={typed(raw, name)} />
            </>
          );
        }
        return (
          <>
            <h3>{f.label}</h3>
            {f.help && <p class="muted">{f.help}</p>}
            {Array.from({ length: Math.min(f.maxItems, VISIBLE_ROWS) }, (_, i) => (
              <fieldset>
                <legend>{`${f.label} ${i + 1}`}</legend>
                {f.item.map((item) => {
                  const name = `data.${f.name}.${i}.${item.name}`;
                  return (
                    <>
                      <Label f={item} name={name} />
                      <Input f={item} name={name} value={typed(raw, name)} inList />
                    </>
                  );
                })}
              </fieldset>
            ))}
          </>
        );
      })}
    </>
  );
}
