import type { TaskRecord } from '../../../../libs/db/src';
import type { FormData, FormField, ListField, TaskForm } from '../../../../libs/domain/src';
import { escapeHtml } from '../../../../libs/mail/src/html';

/** Rows offered for a list field on the page; blank rows are ignored when submitted. */
const VISIBLE_ROWS = 5;

/** How the facts a form carries are headed on the page. */
const CONTEXT_LABELS: Record<string, string> = {
  description: 'The nonconformity',
  similar: 'Open and recent nonconformities on the same requirement',
};

/** The page's raw form body, as the person typed it. */
export type RawForm = Record<string, unknown>;

const text = (raw: RawForm, name: string): string => {
  const value = raw[name];
  return typeof value === 'string' ? value.trim() : '';
};
const lines = (value: string) => value.split(/\r?\n/).map((s) => s.trim()).filter(Boolean);

/** The answers in a submitted page, shaped as the form's FormData (blank answers left out). */
export function parseFormData(form: TaskForm, raw: RawForm): FormData {
  const data: FormData = {};
  for (const f of form.fields) {
    if (f.type === 'list') {
      const rows: Array<Record<string, string>> = [];
      for (let i = 0; i < f.maxItems; i++) {
        const row: Record<string, string> = {};
        for (const item of f.item) {
          const value = text(raw, `data.${f.name}.${i}.${item.name}`);
          if (value) row[item.name] = value;
        }
        if (Object.keys(row).length) rows.push(row);
      }
      data[f.name] = rows;
    } else if (f.type === 'urls') {
      data[f.name] = lines(text(raw, `data.${f.name}`));
    } else if (text(raw, `data.${f.name}`)) {
      data[f.name] = text(raw, `data.${f.name}`);
    }
  }
  return data;
}

function input(f: FormField, name: string, value: string, inList = false): string {
  const id = escapeHtml(name);
  // A list offers more rows than needed: only the server can tell a blank row from a missing answer.
  const req = f.required && !inList ? ' required' : '';
  switch (f.type) {
    case 'textarea':
    case 'urls':
      return `<textarea id="${id}" name="${id}" rows="${f.type === 'urls' ? 2 : 4}"${req}${f.type === 'urls' ? ' placeholder="https://"' : ''}>${escapeHtml(value)}</textarea>`;
    case 'select':
      return `<select id="${id}" name="${id}"${req}><option value=""></option>${(f.options ?? [])
        .map((o) => `<option value="${escapeHtml(o)}"${o === value ? ' selected' : ''}>${escapeHtml(o)}</option>`)
        .join('')}</select>`;
    default:
      return `<input id="${id}" name="${id}" type="${f.type === 'email' ? 'email' : f.type === 'date' ? 'date' : 'text'}" value="${escapeHtml(value)}"${req}>`;
  }
}

function label(f: FormField | ListField, name: string): string {
  return `<label for="${escapeHtml(name)}">${escapeHtml(f.label)}${f.help ? ` <span class="muted">(${escapeHtml(f.help)})</span>` : ''}</label>`;
}

/** The form's fields as HTML, filled with what the person typed last time. */
export function renderFormFields(task: Pick<TaskRecord, 'form'>, raw: RawForm = {}): string {
  const form = task.form;
  if (!form) return '';
  const context = Object.entries(form.context ?? {})
    .map(([key, value]) => `<div class="context"><strong>${escapeHtml(CONTEXT_LABELS[key] ?? key)}</strong><p style="white-space:pre-wrap">${escapeHtml(value)}</p></div>`)
    .join('');
  return (
    context +
    form.fields
      .map((f) => {
        if (f.type !== 'list') return label(f, `data.${f.name}`) + input(f, `data.${f.name}`, text(raw, `data.${f.name}`));
        const rows = Array.from({ length: Math.min(f.maxItems, VISIBLE_ROWS) }, (_, i) =>
          `<fieldset><legend>${escapeHtml(f.label)} ${i + 1}</legend>${f.item
            .map((item) => label(item, `data.${f.name}.${i}.${item.name}`) + input(item, `data.${f.name}.${i}.${item.name}`, text(raw, `data.${f.name}.${i}.${item.name}`), true))
            .join('')}</fieldset>`,
        );
        return `<h3>${escapeHtml(f.label)}</h3>${f.help ? `<p class="muted">${escapeHtml(f.help)}</p>` : ''}${rows.join('')}`;
      })
      .join('')
  );
}
