import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { PendingStartsResult } from '../../../../libs/records/src';
import { CertificationService } from '../certification/certification.service';
import { IncidentsService } from '../incidents/incidents.service';
import { NonconformitiesService } from '../nonconformities/nonconformities.service';
import { DocumentsService } from '../registers/documents/documents.service';

/** How often each API instance looks for rows whose process never began. */
const SWEEP_EVERY_MS = 30_000;

/**
 * A row and its process cannot be written in one transaction: the row comes first (it holds the
 * number, the stored input), then the start. When the API stops between the two and the client never
 * asks again, the row would wait for ever with no process. Every API instance sweeps for such rows
 * and starts them from what the row holds; a start is idempotent (the workflow id, and the row's
 * mark once begun), so instances sweeping at once start each process once.
 */
@Injectable()
export class PendingStarts implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('PendingStarts');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<unknown>;

  constructor(
    private readonly ncs: NonconformitiesService,
    private readonly incidents: IncidentsService,
    private readonly cycles: CertificationService,
    private readonly documents: DocumentsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /**
   * Starts every process whose row was written more than a minute (PENDING_START_AFTER_MS) before `now` and has
   * not begun; what it started and could not, by kind. What failed is tried again next time.
   */
  async sweep(now = Date.now()): Promise<Record<string, PendingStartsResult>> {
    if (this.sweeping) return {};
    const kinds = { nonconformities: this.ncs, incidents: this.incidents, cycles: this.cycles, acknowledgementRounds: this.documents };
    const run = (async () => {
      const results: Record<string, PendingStartsResult> = {};
      for (const [kind, owner] of Object.entries(kinds)) {
        try {
          const r = (results[kind] = await owner.startPending(now));
          if (r.started.length) this.log.warn(`Started ${r.started.length} ${kind} whose start was lost: ${r.started.join(', ')}`);
          for (const f of r.failed) this.log.error(`Could not start ${kind} ${f.id}, whose start was lost (trying again in ${SWEEP_EVERY_MS / 1000} s): ${f.error}`);
        } catch (err) {
          this.log.error(`Could not look for ${kind} whose start was lost (trying again in ${SWEEP_EVERY_MS / 1000} s): ${String(err)}`);
        }
      }
      return results;
    })();
    this.sweeping = run;
    try {
      return await run;
    } finally {
      this.sweeping = undefined;
    }
  }
}
