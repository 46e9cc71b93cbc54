import { createAcknowledgementActivities, type AcknowledgementActivityDeps } from './acknowledgements';
import { createCycleActivities, type CycleActivityDeps } from './cycles';
import { classifyFailures } from './failures';
import { createImprovementActivities } from './improvements';
import { createIncidentActivities, type IncidentActivityDeps } from './incidents';
import { createNcActivities, type NcActivityDeps } from './nonconformities';
import { createRiskActivities } from './risks';
import { createTaskActivities, type TaskActivityDeps } from './tasks';

export type ActivityDeps = TaskActivityDeps & NcActivityDeps & IncidentActivityDeps & CycleActivityDeps & AcknowledgementActivityDeps;

/** Every activity the worker registers, built from its dependencies (real or fake in tests), its failures classified. */
export function createActivities(deps: ActivityDeps) {
  return classifyFailures({
    ...createTaskActivities(deps),
    ...createNcActivities(deps),
    ...createIncidentActivities(deps),
    ...createCycleActivities(deps),
    ...createRiskActivities(deps),
    ...createAcknowledgementActivities(deps),
    ...createImprovementActivities(deps),
  });
}

export type Activities = ReturnType<typeof createActivities>;
