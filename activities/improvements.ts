import type { DataSource } from 'typeorm';
import { raiseImprovement, type NewImprovement } from '../libs/records/src';

export interface ImprovementActivityDeps {
  db: DataSource;
}

export function createImprovementActivities({ db }: ImprovementActivityDeps) {
  return {
    /** An opportunity for improvement a process found (an internal audit's OFI), once per source reference. */
    async raiseImprovement(req: NewImprovement & { sourceRef: string }): Promise<{ id: string }> {
      return { id: (await raiseImprovement(db, req)).improvement.id };
    },
  };
}
