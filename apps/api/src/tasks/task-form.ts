import type { FormData, TaskForm } from '../../../../libs/domain/src';
import { typed, type RawForm } from '../../../../libs/templates/src';

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
          const value = typed(raw, `data.${f.name}.${i}.${item.name}`);
          if (value) row[item.name] = value;
        }
        if (Object.keys(row).length) rows.push(row);
      }
      data[f.name] = rows;
    } else if (f.type === 'urls') {
      data[f.name] = lines(typed(raw, `data.${f.name}`));
    } else if (typed(raw, `data.${f.name}`)) {
      data[f.name] = typed(raw, `data.${f.name}`);
    }
  }
  return data;
}
