import type { CycleActivity, CycleView } from './programme';

/**
 * What a certification cycle writes to its record on a save: the view without its activities, only
 * the activities that changed since the last save, and the ids of all of them (a re-plan drops some).
 * A year's programme is a few dozen activities and the cycle saves on every step of each: sending
 * them all every time made most of a year's history repeated views.
 */
export interface CycleSave {
  head: Omit<CycleView, 'activities'>;
  changed: CycleActivity[];
  activityIds: string[];
}

/** The save for `view`, given what the last saves sent (activity id → its JSON); `sent` is updated once it is written. */
export function cycleSave(view: CycleView, sent: Map<string, string>): { save: CycleSave; written: () => void } {
  const { activities, ...head } = view;
  const json = activities.map((a) => [a.id, JSON.stringify(a)] as const);
  const changed = activities.filter((_, i) => sent.get(json[i][0]) !== json[i][1]);
  return {
    save: { head, changed, activityIds: activities.map((a) => a.id) },
    written: () => {
      sent.clear();
      for (const [id, text] of json) sent.set(id, text);
    },
  };
}

/**
 * The whole view again, from the record's stored one and a save: an activity not in `changed` is as
 * stored. Also takes a whole view (what workflows started before saves were split still send).
 */
export function mergeCycleSave(stored: CycleView | undefined, save: CycleSave | CycleView): CycleView {
  if (!('head' in save)) return save;
  const byId = new Map((stored?.cycleId === save.head.cycleId ? stored.activities : []).map((a) => [a.id, a]));
  for (const a of save.changed) byId.set(a.id, a);
  const missing = save.activityIds.filter((id) => !byId.has(id));
  // Only a record that lost what an earlier save wrote can miss one: say so rather than drop it.
  if (missing.length) throw new Error(`the cycle record lacks activities ${missing.join(', ')} that an earlier save wrote`);
  return { ...save.head, activities: save.activityIds.map((id) => byId.get(id)!) };
}
