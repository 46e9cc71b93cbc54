import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/src';
import { AcknowledgementRequest, AcknowledgementRound, DocumentAcknowledgement, Person } from '../../../../libs/db/src';
import { localDate, onStaff } from '../../../../libs/domain/src';
import { acknowledgementCoverage, policyFacts, recordAcknowledgement, roundSummary } from '../../../../libs/records/src';
import { verifyAcknowledgementLink } from '../../../../libs/security/src';
import { ProblemException } from '../common/problem';
import type { ListAcknowledgementsQuery } from './dto/acknowledgement.dto';

/** Why an acknowledgement link cannot be used: each is a page for the person. */
export class AcknowledgementLinkError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly text: string,
  ) {
    super(title);
  }
}

/** Policy acknowledgement: rounds, who is asked, coverage, and the person's answer from their mail link. */
@Injectable()
export class AcknowledgementsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Per policy and department: the people on staff in its audience, and how many acknowledged the major version in force. */
  coverage() {
    return acknowledgementCoverage(this.db, localDate(Date.now(), this.config.timeZone));
  }

  async round(id: string) {
    const round = await roundSummary(this.db, id);
    if (!round) throw new ProblemException(404, `There is no acknowledgement round ${id}`);
    return round;
  }

  /** The requests, newest first: who was asked in which round, and what became of it. */
  async list(q: ListAcknowledgementsQuery) {
    const query = this.db.getRepository(AcknowledgementRequest).createQueryBuilder('q').orderBy('q.created_at', 'DESC').addOrderBy('q.person', 'ASC').take(q.limit).skip(q.offset);
    if (q.person) query.andWhere('q.person = :person', { person: q.person });
    if (q.round) query.andWhere('q.round_id = :round', { round: q.round });
    if (q.status) query.andWhere('q.status = :status', { status: q.status });
    return { items: await query.getMany(), limit: q.limit, offset: q.offset };
  }

  /** What a link opens: the policy, the person, and their acknowledgement if they have given it. */
  async openLink(token: string) {
    const claims = verifyAcknowledgementLink(this.config.tasks.linkSecret, token);
    if (!claims) throw new AcknowledgementLinkError(404, 'This link is not valid', 'The link is incomplete, altered or expired. Open it again from your most recent email, copying the whole address.');
    const request = await this.db.getRepository(AcknowledgementRequest).findOneBy({ roundId: claims.roundId, person: claims.person });
    const person = await this.db.getRepository(Person).findOneBy({ email: claims.person });
    if (!request || !person) throw new AcknowledgementLinkError(404, 'This link is not valid', 'There is nothing to acknowledge with it.');
    if (!onStaff(person, localDate(Date.now(), this.config.timeZone)) || request.closedReason === 'left') {
      throw new AcknowledgementLinkError(410, 'This link no longer works', 'It was for someone on the staff directory, and the directory says they have left. Nothing more is needed.');
    }
    const round = await this.db.getRepository(AcknowledgementRound).findOneByOrFail({ id: request.roundId });
    if (request.closedReason === 'superseded') throw new AcknowledgementLinkError(410, 'A newer version replaced this policy', 'You will receive, or have received, a mail asking you to acknowledge the new version.');
    const policy = await policyFacts(this.db, round);
    const done = await this.db.getRepository(DocumentAcknowledgement).findOne({ where: { documentId: round.documentId, major: round.major, person: person.email }, order: { acknowledgedAt: 'ASC' } });
    return { policy, person, done: done ? { at: done.acknowledgedAt, version: done.version } : undefined };
  }

  /** The person's acknowledgement of the version in force, from their own link; again, it changes nothing. */
  async acknowledgeFromLink(token: string) {
    const opened = await this.openLink(token);
    if (!opened.done) await this.db.transaction((tx) => recordAcknowledgement(tx, { documentId: opened.policy.documentId, version: opened.policy.version, person: opened.person.email, recordedBy: null, via: 'mail link' }));
    return this.openLink(token);
  }
}
